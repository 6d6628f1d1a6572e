import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LOAD_TOLERANCE, openStory, screenshot, useStorybookBrowser, waitFor } from './harness.mjs'

describe('Discovery story in Chromium (memory transport)', { timeout: 90_000 * LOAD_TOLERANCE }, () => {
  const env = useStorybookBrowser()

  it('five in-page peers discover each other, and see a stopped one depart', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'network-discovery--discovery', { nodes: 5 })
    const started = Date.now()
    await waitFor(
      page,
      'five catalogs of four peers each',
      () => {
        const cards = [...document.querySelectorAll('[data-testid=catalog-card]')]
        return cards.length === 5 && cards.every((c) => c.dataset.count === '4')
      },
      undefined,
      20_000,
    )
    const discoveredMs = Date.now() - started
    console.log(
      `# 5 memory-transport peers discovered each other in the browser within ${discoveredMs} ms of page load`,
    )
    await screenshot(page, 'discovery-converged')
    await page.locator('[data-testid=catalog-card]').nth(4).getByRole('button', { name: 'stop' }).click()
    await waitFor(
      page,
      'the four others to see node 5 depart',
      () => {
        const cards = [...document.querySelectorAll('[data-testid=catalog-card]')]
        return cards.slice(0, 4).every((c) => c.dataset.count === '3')
      },
      undefined,
      20_000,
    )
    await screenshot(page, 'discovery-departed')
    assert.deepEqual(page.errors, [])
  })
})
