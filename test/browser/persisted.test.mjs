import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { launchBrowser, openStory, readCards, screenshot, serveStatic, until } from './harness.mjs'

const ID = 'playground-persisted--persisted'

/** The first cell card with its persist attributes. */
const card = (page) =>
  page.evaluate(() => {
    const c = document.querySelector('[data-testid=cell-card]')
    if (!c) return undefined
    return {
      value: c.dataset.value,
      peer: c.dataset.peer,
      status: c.querySelector('[data-testid=cell-status]')?.textContent,
      firstStatus: c.dataset.firstStatus,
      firstMs: Number(c.dataset.firstMs),
      sinceMount: Number(c.dataset.firstSinceMount),
      persisted: c.dataset.persisted,
    }
  })

describe('Persisted story in Chromium (IndexedDB)', { timeout: 120_000 }, () => {
  let server
  let profile
  before(async () => {
    server = await serveStatic()
    profile = mkdtempSync(join(tmpdir(), 'mosaik-persist-profile-'))
  })
  after(async () => {
    await server?.close()
    if (profile) rmSync(profile, { recursive: true, force: true })
  })

  it('keeps the value across closed pages and a restarted browser, shown before online', async () => {
    let browser = await launchBrowser({ profile })
    try {
      const a = await openStory(browser.context, server.url, ID)
      await until(a, 'page A online', async () => (await card(a))?.status === 'online', 30_000)
      const { peer } = await card(a)
      for (let i = 1; i <= 3; i++) {
        await a.getByTestId('increment').click()
        await until(a, `page A at ${i}`, async () => (await readCards(a))[0]?.value === String(i), 15_000)
      }
      // Past a checkpoint (every 4,096 entries): the stored state, not only the records, comes back.
      const t0 = Date.now()
      await a.getByTestId('burst').click()
      await until(a, 'page A at 5003', async () => (await readCards(a))[0]?.value === '5003', 60_000)
      console.log(`# 5,000 writes (100 concurrent) through IndexedDB in ${Date.now() - t0} ms`)
      await a.close()

      // A new page of the same profile: the same member, its value before the network is online.
      const b = await openStory(browser.context, server.url, ID)
      const shown = await until(b, 'page B to show a value', async () => {
        const c = await card(b)
        return c?.value ? c : undefined
      })
      assert.equal(shown.value, '5003')
      assert.equal(shown.firstStatus, 'connecting')
      assert.equal(shown.peer, peer, 'the identity came back from IndexedDB')
      console.log(
        `# persisted value shown ${shown.sinceMount} ms after the provider mounted (${shown.firstMs} ms after page B began loading)`,
      )
      await until(b, 'page B online', async () => (await card(b))?.status === 'online', 30_000)

      // A second tab while B holds the store: it must not act as the same member.
      const c = await openStory(browser.context, server.url, ID)
      const other = await until(c, 'page C to start', async () => {
        const x = await card(c)
        return x?.peer ? x : undefined
      })
      assert.notEqual(other.peer, peer)
      assert.equal(other.persisted, '')
      await c.close()
      await screenshot(b, 'persisted-reopened')
      await b.close()
    } finally {
      await browser.close()
    }

    // Every page and the browser closed, then started again on the same profile.
    browser = await launchBrowser({ profile })
    try {
      const d = await openStory(browser.context, server.url, ID)
      const shown = await until(d, 'the restarted browser to show a value', async () => {
        const x = await card(d)
        return x?.value ? x : undefined
      })
      assert.equal(shown.value, '5003')
      assert.equal(shown.firstStatus, 'connecting')
      console.log(
        `# persisted value shown ${shown.sinceMount} ms after the provider mounted (${shown.firstMs} ms after the page began loading; browser restarted)`,
      )
      await until(d, 'page D online', async () => (await card(d))?.status === 'online', 30_000)
      await d.getByTestId('increment').click()
      await until(d, 'page D at 5004', async () => (await readCards(d))[0]?.value === '5004', 15_000)
      assert.deepEqual(d.errors, [])
    } finally {
      await browser.close()
    }
  })
})
