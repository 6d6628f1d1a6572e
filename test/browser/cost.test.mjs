import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { launchBrowser, openStory, readCards, screenshot, serveStatic, until } from './harness.mjs'

const SECONDS = 4
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const f = (x) => x.toFixed(1)

/**
 * Opens a story, optionally opens the devtools panel, then returns the main thread's busy
 * time per second (Chrome's TaskDuration/ScriptDuration via CDP) over a few seconds, and
 * the writes issued/committed by the story's auto-writers.
 */
async function sample(context, base, id, args, { ready, openPanel, shot }) {
  const page = await openStory(context, base, id, args)
  await ready(page)
  // The panel remembers being open (localStorage) across pages of this browser profile.
  if (openPanel && !(await page.getByTestId('mosaik-devtools-panel').count())) {
    await page.getByTestId('mosaik-devtools-toggle').click()
  }
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable')
  const metrics = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const load = () => page.evaluate(() => ({ issued: 0, committed: 0, ...window.__mosaikLoad }))
  await new Promise((r) => setTimeout(r, 1000))
  const [m0, l0] = [await metrics(), await load()]
  await page.evaluate(() => window.__mosaikDevtoolsCost?.reset())
  await new Promise((r) => setTimeout(r, SECONDS * 1000))
  const [m1, l1] = [await metrics(), await load()]
  const store = await page.evaluate(() => window.__mosaikDevtoolsCost?.sample())
  if (shot) await screenshot(page, shot)
  assert.deepEqual(page.errors, [])
  await page.close()
  const secs = m1.Timestamp - m0.Timestamp
  return {
    issued: (l1.issued - l0.issued) / secs,
    committed: (l1.committed - l0.committed) / secs,
    taskMs: ((m1.TaskDuration - m0.TaskDuration) * 1000) / secs,
    scriptMs: ((m1.ScriptDuration - m0.ScriptDuration) * 1000) / secs,
    store,
  }
}

const cardsOnline = (n) => async (page) =>
  until(
    page,
    `${n} cards online`,
    async () => {
      const cards = await readCards(page)
      return cards.length === n && cards.every((c) => c.status === 'online')
    },
    20_000,
  )

describe('cost of mounted devtools in Chromium', { timeout: 180_000 }, () => {
  let server
  let browser
  before(async () => {
    server = await serveStatic()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('is small at 50 writes/s on a real cell (1 writer + 1 reader in the page)', async () => {
    const id = 'cells-shared-cell--shared-cell'
    const args = (devtools) => ({ writers: 1, readers: 1, writesPerSecond: 50, devtools, inlineViews: false })
    // The machine is shared and a page with live peers is noisy: interleave runs, take medians.
    const offs = []
    const ons = []
    for (let round = 0; round < 3; round++) {
      offs.push(await sample(browser.context, server.url, id, args(false), { ready: cardsOnline(2) }))
      ons.push(
        await sample(browser.context, server.url, id, args(true), {
          ready: cardsOnline(2),
          openPanel: true,
          shot: round === 0 ? 'shared-cell-50-writes-panel' : undefined,
        }),
      )
    }
    const off = median(offs.map((s) => s.taskMs))
    const on = median(ons.map((s) => s.taskMs))
    const rate = median(ons.map((s) => s.committed))
    const store = ons[0].store
    console.log(
      `# real cell at ${f(median(ons.map((s) => s.issued)))} writes/s (${f(rate)} committed/s): main thread busy ` +
        `${f(off)} ms/s without devtools [${offs.map((s) => f(s.taskMs)).join(', ')}], ` +
        `${f(on)} ms/s with the panel open [${ons.map((s) => f(s.taskMs)).join(', ')}] → devtools ≈ ${f(on - off)} ms/s; ` +
        `store ${f(store.flushes / store.seconds)} flushes/s, ${(store.flushMs / store.seconds).toFixed(2)} ms/s folding`,
    )
    assert.ok(rate > 40, `the load ran at ~50 writes/s (${f(rate)} committed/s)`)
  })

  it('is small for 5 replicas at 50 writes/s each reported (synthetic telemetry, 250 events/s)', async () => {
    const id = 'devtools-synthetic-cluster--views'
    const ready = async (page) => page.getByTestId('synthetic-write').waitFor({ timeout: 10_000 })
    const off = await sample(browser.context, server.url, id, { writesPerSecond: 50, mounted: false }, { ready })
    const on = await sample(
      browser.context,
      server.url,
      id,
      { writesPerSecond: 50, mounted: true },
      { ready, openPanel: true, shot: 'synthetic-50-writes-panel' },
    )
    console.log(
      `# synthetic: main thread busy ${f(off.taskMs)} ms/s without views, ${f(on.taskMs)} ms/s with views + open panel ` +
        `(+${f(on.taskMs - off.taskMs)} ms/s); store ${f(on.store.flushes / on.store.seconds)} flushes/s, ` +
        `${(on.store.flushMs / on.store.seconds).toFixed(2)} ms/s folding`,
    )
    assert.ok(on.taskMs - off.taskMs < 100, `devtools cost ${f(on.taskMs - off.taskMs)} ms/s`)
  })
})
