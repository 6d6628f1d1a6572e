import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { ROOT } from '../../scripts/storybook.mjs'
import { LOAD_TOLERANCE, launchBrowser, readCards, screenshot, until } from './harness.mjs'

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer()
    s.on('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => ok(port))
    })
  })

const portOpen = (port) =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  )

describe('npm start (relay + Storybook dev server)', { timeout: 180_000 * LOAD_TOLERANCE }, () => {
  let child
  let output = ''
  let port
  let browser
  before(async () => {
    port = await freePort()
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: { ...process.env, MOSAIK_RELAY_PORT: '0', STORYBOOK_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.on('data', (d) => {
      output += d
    })
    child.stderr.on('data', (d) => {
      output += d
    })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    if (child && child.exitCode === null) {
      child.kill('SIGKILL')
    }
  })

  it('prints where to go, serves the stories, and two tabs share a cell; Ctrl-C stops everything', async () => {
    const end = Date.now() + 120_000 * LOAD_TOLERANCE
    while (!output.includes('playground is running') && Date.now() < end && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 250))
    }
    assert.ok(output.includes('playground is running'), `npm start did not get ready:\n${output.slice(-2000)}`)
    assert.match(
      output,
      new RegExp(`http://127\\.0\\.0\\.1:${port}/\\?path=/story/playground-across-tabs--across-tabs`),
    )
    assert.match(output, /second tab/)
    const url = `http://127.0.0.1:${port}/iframe.html?id=playground-across-tabs--across-tabs&viewMode=story`
    const pages = []
    for (let i = 0; i < 2; i++) {
      const page = await browser.context.newPage()
      page.errors = []
      page.on('pageerror', (e) => page.errors.push(String(e)))
      await page.goto(url, { timeout: 60_000 * LOAD_TOLERANCE })
      pages.push(page)
    }
    for (const [i, page] of pages.entries()) {
      await until(page, `tab ${i + 1} online`, async () => (await readCards(page))[0]?.status === 'online', 60_000)
    }
    const start = Number((await readCards(pages[0]))[0].value || 0)
    await pages[0].getByTestId('increment').click()
    await until(
      pages[1],
      `tab 2 to show ${start + 1}`,
      async () => (await readCards(pages[1]))[0]?.value === String(start + 1),
      20_000,
    )
    await screenshot(pages[1], 'npm-start-across-tabs')
    assert.deepEqual(
      pages.flatMap((p) => p.errors),
      [],
    )
    child.kill('SIGINT')
    const code = await new Promise((ok) => child.on('exit', (c) => ok(c)))
    assert.equal(code, 0)
    await until(pages[0], 'Storybook to stop serving', async () => !(await portOpen(port)), 10_000)
  })
})
