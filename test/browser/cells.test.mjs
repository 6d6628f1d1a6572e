import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  assertOneTermOneLeader,
  LOAD_TOLERANCE,
  openStory,
  readCards,
  readLeader,
  readRows,
  screenshot,
  until,
  useStorybookBrowser,
} from './harness.mjs'

describe('cell stories in Chromium (memory transport)', { timeout: 120_000 * LOAD_TOLERANCE }, () => {
  const env = useStorybookBrowser()

  it('Shared cell: a leader is shown and every replica advances after a click', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'cells-shared-cell--shared-cell')
    await until(page, 'a leader on the devtools badge', () => readLeader(page), 20_000)
    await until(
      page,
      'five cards online',
      async () => {
        const cards = await readCards(page)
        return cards.length === 5 && cards.every((c) => c.status === 'online')
      },
      20_000,
    )
    const roles = (await readRows(page)).map((r) => r.role)
    assert.equal(roles.filter((r) => r === 'leader').length, 1, `one leader row in the group table: ${roles}`)
    // Opened together, the five form one group at once: no split in term 1, no merge, no revert.
    await assertOneTermOneLeader(page, 5)
    const start = Math.max(...(await readCards(page)).map((c) => c.version))
    const plus = page.locator('[data-testid=cell-card][data-role=writer] [data-testid=increment]')
    await plus.nth(1).click()
    await plus.nth(2).click()
    await until(
      page,
      `every replica and devtools row past version ${start}, value 2`,
      async () => {
        const cards = await readCards(page)
        const rows = await readRows(page)
        return (
          cards.every((c) => c.version > start && c.value === '2') &&
          rows.length === 5 &&
          rows.every((r) => r.version > start)
        )
      },
      20_000,
    )
    await screenshot(page, 'shared-cell')
    assert.deepEqual(page.errors, [])
  })

  it('Failover: stopping the leader shows a new leader, and writes continue', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'cells-failover--failover', {
      writesPerSecond: 0,
    })
    const first = await until(page, 'a first leader', () => readLeader(page), 20_000)
    await until(
      page,
      'four cards online',
      async () => (await readCards(page)).every((c) => c.status === 'online'),
      20_000,
    )
    await screenshot(page, 'failover-before')
    await page.getByTestId('stop-leader').click()
    const second = await until(
      page,
      `a leader other than ${first}`,
      async () => {
        const l = await readLeader(page)
        return l && l !== first ? l : undefined
      },
      20_000,
    )
    assert.notEqual(second, first)
    const live = (await readCards(page)).filter((c) => c.peer !== first)
    const start = Math.max(...live.map((c) => c.version))
    const plus = page.locator(
      `[data-testid=cell-card][data-role=writer]:not([data-peer="${first}"]) [data-testid=increment]`,
    )
    await plus.first().click()
    await until(
      page,
      `the surviving replicas past version ${start} after a write under the new leader`,
      async () => (await readCards(page)).filter((c) => c.peer !== first).every((c) => c.version > start),
      20_000,
    )
    const marks = await page.$$eval('[data-testid=mosaik-version-timeline] [data-mark=leader]', (m) => m.length)
    assert.ok(marks >= 2, `two leader marks on the timeline, saw ${marks}`)
    await screenshot(page, 'failover-after')
    assert.deepEqual(page.errors, [])
  })
})
