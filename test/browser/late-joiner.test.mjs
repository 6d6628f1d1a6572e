import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LOAD_TOLERANCE, openStory, readCards, screenshot, until, useStorybookBrowser } from './harness.mjs'

describe('Late joiner story in Chromium (memory transport)', { timeout: 120_000 * LOAD_TOLERANCE }, () => {
  const env = useStorybookBrowser()

  it('a node added after 1,000 writes catches up by snapshot', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'cells-late-joiner--late-joiner', { auto: true })
    await until(
      page,
      '1,000 writes committed on three writers',
      async () => {
        const cards = await readCards(page)
        return cards.length >= 3 && cards.slice(0, 3).every((c) => c.value === '1000')
      },
      60_000,
    )
    const cards = await until(
      page,
      'the late fourth node at the same value and version',
      async () => {
        const c = await readCards(page)
        return c.length === 4 && c.every((x) => x.value === '1000' && x.version === c[0].version) && c
      },
      30_000,
    )
    const late = cards[3].peer
    // The last sync phase the devtools show for the late node. Its value can show before the
    // panel does, and a node that installed one snapshot may start another (the leader's log
    // moved past it meanwhile), so wait for 'installed' rather than take the first phase seen.
    let sync
    await until(
      page,
      'the devtools to show the late node installed a snapshot',
      async () => {
        sync = await page.evaluate(
          (peer) => document.querySelector(`[data-testid=mosaik-group-row][data-peer="${peer}"]`)?.dataset.sync,
          late,
        )
        return sync === 'installed'
      },
      10_000,
    ).catch((err) => {
      throw new Error(`${err.message}; its last sync phase: ${JSON.stringify(sync)}`)
    })
    assert.equal(sync, 'installed')
    await screenshot(page, 'late-joiner')
    assert.deepEqual(page.errors, [])
  })
})
