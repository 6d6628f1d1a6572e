import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { launchBrowser, openStory, screenshot, serveStatic, until } from './harness.mjs'

const NETWORK = 'mosaik-playground'

async function startRelay(options) {
  const { tsImport } = await import('tsx/esm/api')
  const { startRelay } = await tsImport('../../src/node/index.ts', import.meta.url)
  return startRelay({ host: '127.0.0.1', network: NETWORK, ...options })
}

const netStatus = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('[data-testid=net-status]')
    return el ? { status: el.dataset.status, relays: Number(el.dataset.relays), text: el.textContent } : undefined
  })

describe('a page whose relay restarts (same key file and port)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaik-relay-restart-'))
  const keyFile = join(dir, 'relay.key')
  let relay
  let server
  let browser
  before(async () => {
    relay = await startRelay({ port: 0, keyFile })
    server = await serveStatic({ relay: () => ({ network: NETWORK, addresses: relay.addresses }) })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await relay?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('shows offline while the relay is down and reconnects by itself once it is back', async () => {
    const page = await openStory(browser.context, server.url, 'playground-across-tabs--across-tabs')
    await until(page, 'the page to reach the relay', async () => (await netStatus(page))?.relays === 1, 30_000)
    const first = relay.addresses
    const port = Number(/\/tcp\/(\d+)\//.exec(first[0])?.[1])

    await relay.stop()
    await until(
      page,
      'the page to show it lost the relay',
      async () => (await netStatus(page))?.status === 'offline',
      30_000,
    )
    const down = await netStatus(page)
    assert.match(down.text, /redialing/)
    await screenshot(page, 'relay-restart-offline')

    const t0 = Date.now()
    relay = await startRelay({ port, keyFile })
    assert.deepEqual(relay.addresses, first, 'the restarted relay has the same multiaddr')
    await until(
      page,
      'the page to reconnect to the restarted relay',
      async () => {
        const s = await netStatus(page)
        return s?.status === 'online' && s.relays === 1
      },
      30_000,
    )
    console.log(`# page reconnected ${Date.now() - t0} ms after the relay restarted`)
    await screenshot(page, 'relay-restart-online')
    // The browser logs each refused WebSocket dial while the relay is down: expected here.
    const unexpected = page.errors.filter((e) => !/WebSocket connection to '.*' failed/.test(e))
    assert.deepEqual(unexpected, [])
  })
})
