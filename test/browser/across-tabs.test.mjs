import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { LOAD_TOLERANCE, launchBrowser, openStory, readCards, screenshot, serveStatic, until } from './harness.mjs'

const NETWORK = 'mosaik-playground'

async function startRelay() {
  const { tsImport } = await import('tsx/esm/api')
  const { startRelay } = await tsImport('../../src/node/index.ts', import.meta.url)
  return startRelay({ host: '127.0.0.1', port: 0, network: NETWORK })
}

const online = (page) => async () => {
  const [card] = await readCards(page)
  return card?.status === 'online'
}

describe('Across tabs story in Chromium (WebRTC through the local relay)', {
  timeout: 120_000 * LOAD_TOLERANCE,
}, () => {
  let relay
  let server
  let browser
  before(async () => {
    relay = await startRelay()
    server = await serveStatic({ relay: () => ({ network: NETWORK, addresses: relay.addresses }) })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await relay?.stop()
  })

  it('two pages converge on a value over WebRTC', async () => {
    const id = 'playground-across-tabs--across-tabs'
    const a = await openStory(browser.context, server.url, id)
    const b = await openStory(browser.context, server.url, id)
    const t0 = Date.now()
    await until(a, 'page A online', online(a), 30_000)
    await until(b, 'page B online', online(b), 30_000)
    await until(
      b,
      'a direct WebRTC link between the pages',
      () => b.evaluate(() => document.querySelectorAll('[data-testid=links] [data-via=webrtc]').length > 0),
      30_000,
    )
    console.log(`# two pages online with a WebRTC link after ${Date.now() - t0} ms`)
    const start = Number((await readCards(a))[0].value || 0)
    await a.getByTestId('increment').click()
    await a.getByTestId('increment').click()
    await until(
      b,
      `page B to show ${start + 2} written on page A`,
      async () => (await readCards(b))[0].value === String(start + 2),
      20_000,
    )
    await b.getByTestId('increment').click()
    await until(
      a,
      `page A to show ${start + 3}`,
      async () => (await readCards(a))[0].value === String(start + 3),
      20_000,
    )
    const leaders = await Promise.all(
      [a, b].map((p) => p.evaluate(() => document.querySelector('[data-testid=mosaik-leader-badge]')?.dataset.leader)),
    )
    assert.ok(leaders[0] && leaders[0] === leaders[1], `both devtools show the same leader: ${leaders}`)
    await screenshot(a, 'across-tabs-a')
    await screenshot(b, 'across-tabs-b')
    assert.deepEqual(a.errors, [])
    assert.deepEqual(b.errors, [])
  })
})
