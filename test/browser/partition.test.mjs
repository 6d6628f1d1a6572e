import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  assertOneTermOneLeader,
  LOAD_TOLERANCE,
  openStory,
  readCards,
  screenshot,
  until,
  useStorybookBrowser,
} from './harness.mjs'

const allOnline = (page, n) => async () => {
  const cards = await readCards(page)
  return cards.length === n && cards.every((c) => c.status === 'online')
}

const converged = (page) => async () => {
  const cards = await readCards(page)
  const first = cards[0]
  return cards.every((c) => c.status === 'online' && c.value === first.value && c.version === first.version) && cards
}

describe('Partition story in Chromium (memory transport with a gater)', { timeout: 120_000 * LOAD_TOLERANCE }, () => {
  const env = useStorybookBrowser()

  it('default mode: the minority commits on its own, is reverted on heal, and all converge', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'cells-partition--default-mode')
    await until(page, 'five cards online', allOnline(page, 5), 20_000)
    // Before any split: the five opened together and formed one group in term 1, no revert.
    await assertOneTermOneLeader(page, 5)
    await page.getByTestId('split').click()
    const plus = page.locator('[data-testid=cell-card] [data-testid=increment]')
    // Nodes 1-2 are cut off: a write there commits only once they elected their own leader.
    await until(
      page,
      'a write committed on the minority side',
      async () => {
        await plus.nth(0).click()
        await new Promise((r) => setTimeout(r, 700))
        const cards = await readCards(page)
        return cards[0].value !== '' && cards[1].value === cards[0].value
      },
      20_000,
    )
    await plus.nth(4).click()
    await plus.nth(4).click()
    await until(page, 'two writes on the majority', async () => (await readCards(page))[4].value === '2', 15_000)
    await screenshot(page, 'partition-default-split')
    await page.getByTestId('heal').click()
    const cards = await until(page, 'all five replicas converged after heal', converged(page), 30_000)
    assert.equal(cards[0].value, '2', 'the majority history wins')
    await until(
      page,
      'a revert marked in the devtools',
      () =>
        page.evaluate(
          () => document.querySelectorAll('[data-testid=mosaik-version-timeline] [data-mark=revert]').length > 0,
        ),
      10_000,
    )
    await screenshot(page, 'partition-default-healed')
    assert.deepEqual(page.errors, [])
  })

  it('strict mode: the minority stalls while the majority commits, then catches up', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'cells-partition--strict-mode')
    await until(page, 'five cards online', allOnline(page, 5), 20_000)
    await page.getByTestId('split').click()
    const plus = page.locator('[data-testid=cell-card] [data-testid=increment]')
    await until(
      page,
      'the cut-off minority (nodes 1 and 2) to go offline',
      async () => {
        const cards = await readCards(page)
        return cards[0].status !== 'online' && cards[1].status !== 'online'
      },
      15_000,
    )
    await plus.nth(0).click() // on the minority: must not commit
    await plus.nth(4).click()
    await until(page, 'a majority write', async () => (await readCards(page))[4].value === '1', 15_000)
    await until(
      page,
      'the minority write to fail "offline" without committing',
      () =>
        page.evaluate(() => {
          const card = document.querySelectorAll('[data-testid=cell-card]')[0]
          const error = card.querySelector('[data-testid=write-error]')?.textContent ?? ''
          return card.dataset.value === '' && error.startsWith('offline') && error
        }),
      20_000,
    )
    const stalled = await readCards(page)
    assert.equal(stalled[1].value, '', 'the minority did not commit or see the majority write')
    await screenshot(page, 'partition-strict-split')
    await page.getByTestId('heal').click()
    const cards = await until(page, 'all five replicas converged after heal', converged(page), 30_000)
    assert.equal(cards[0].value, '1')
    await screenshot(page, 'partition-strict-healed')
    assert.deepEqual(page.errors, [])
  })
})
