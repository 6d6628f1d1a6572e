import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { launchBrowser, openStory, screenshot, serveStatic, until } from './harness.mjs'

const NETWORK = 'mosaik-playground'

async function startRelay() {
  const { tsImport } = await import('tsx/esm/api')
  const { startRelay } = await tsImport('../../src/node/index.ts', import.meta.url)
  return startRelay({ host: '127.0.0.1', port: 0, network: NETWORK })
}

/** The pad of a page: its peer id and how many others it sees. */
const pad = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('[data-testid=cursor-pad]')
    return el ? { peer: el.dataset.peer, others: Number(el.dataset.others) } : undefined
  })

/** Where page shows `peer`'s cursor, if it does. */
const cursorOf = (page, peer) =>
  page.evaluate((p) => {
    const el = document.querySelector(`[data-testid=cursor][data-peer="${p}"]`)
    return el ? { x: Number(el.dataset.x), y: Number(el.dataset.y) } : undefined
  }, peer)

describe('Live cursors stories in Chromium', { timeout: 120_000 }, () => {
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

  it('a cursor moved on one page moves on the other, over WebRTC through the local relay', async () => {
    const id = 'playground-live-cursors--across-tabs'
    const a = await openStory(browser.context, server.url, id)
    const b = await openStory(browser.context, server.url, id)
    const t0 = Date.now()
    await until(a, 'page A to see page B in the room', async () => (await pad(a))?.others === 1, 45_000)
    await until(b, 'page B to see page A in the room', async () => (await pad(b))?.others === 1, 45_000)
    console.log(`# two pages see each other after ${Date.now() - t0} ms`)
    const peerA = (await pad(a)).peer
    const box = await a.getByTestId('cursor-pad').boundingBox()
    for (const [x, y] of [
      [50, 60],
      [200, 150],
      [120, 40],
    ]) {
      await a.mouse.move(box.x + x, box.y + y)
      const t = Date.now()
      await until(
        b,
        `page B to show A's cursor at ${x},${y}`,
        async () => {
          const c = await cursorOf(b, peerA)
          return c !== undefined && Math.abs(c.x - x) <= 1 && Math.abs(c.y - y) <= 1
        },
        15_000,
      )
      console.log(`# cursor at ${x},${y} on page B after ${Date.now() - t} ms`)
    }
    await screenshot(a, 'cursors-a')
    await screenshot(b, 'cursors-b')
    assert.deepEqual(a.errors, [])
    assert.deepEqual(b.errors, [])
  })

  it('in-page peers see each other move', async () => {
    const page = await openStory(browser.context, server.url, 'playground-live-cursors--in-page')
    await until(
      page,
      'three pads that each see the two others',
      () =>
        page.evaluate(() => {
          const pads = [...document.querySelectorAll('[data-testid=cursor-pad]')]
          return pads.length === 3 && pads.every((p) => p.dataset.others === '2')
        }),
      30_000,
    )
    const positions = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=cursor-pad]')][0]
          .querySelectorAll('[data-testid=cursor]')
          .values()
          .map((c) => `${c.dataset.x},${c.dataset.y}`)
          .toArray()
          .join(' '),
      )
    await until(
      page,
      'the first pad to show the others moving',
      async () => (await positions()).split(' ').length === 2,
      15_000,
    )
    const before = await positions()
    await until(page, 'the cursors on the first pad to move', async () => (await positions()) !== before, 15_000)
    await screenshot(page, 'cursors-in-page')
    assert.deepEqual(page.errors, [])
  })
})
