import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LOAD_TOLERANCE, openStory, screenshot, useStorybookBrowser, waitFor } from './harness.mjs'

describe('devtools views in Chromium (synthetic telemetry)', { timeout: 60_000 * LOAD_TOLERANCE }, () => {
  const env = useStorybookBrowser()

  it('shows a leader, advances versions after a click and a new leader after failover', async () => {
    const page = await openStory(env.browser.context, env.server.url, 'devtools-synthetic-cluster--views', {
      writesPerSecond: 0,
    })
    const leader = await waitFor(page, 'a leader in the LeaderBadge', () =>
      document.querySelector('[data-testid=mosaik-leader-badge]')?.getAttribute('data-leader'),
    )
    const version = () =>
      Math.max(
        ...[...document.querySelectorAll('[data-testid=mosaik-group-row]')].map((r) => Number(r.dataset.version)),
      )
    const before = await page.evaluate(version)
    await page.getByRole('button', { name: 'write' }).click()
    await page.getByRole('button', { name: 'write' }).click()
    await waitFor(
      page,
      `versions past ${before}`,
      (v) => {
        const rows = [...document.querySelectorAll('[data-testid=mosaik-group-row]')]
        return rows.length > 0 && rows.every((r) => Number(r.dataset.version) >= v + 2)
      },
      before,
    )
    await page.getByRole('button', { name: 'stop leader' }).click()
    const next = await waitFor(
      page,
      'a different leader after failover',
      (old) => {
        const l = document.querySelector('[data-testid=mosaik-leader-badge]')?.getAttribute('data-leader')
        return l && l !== old ? l : undefined
      },
      leader,
    )
    assert.notEqual(next, leader)
    await page.getByTestId('mosaik-devtools-toggle').click()
    await waitFor(page, 'the devtools panel', () => !!document.querySelector('[data-testid=mosaik-devtools-panel]'))
    await screenshot(page, 'devtools-synthetic')
    assert.deepEqual(page.errors, [])
  })
})
