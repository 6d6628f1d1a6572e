/**
 * Browser-test harness: serve the static Storybook build on 127.0.0.1, drive Debian's
 * Chromium with playwright-core (never a downloaded browser), bounded waits that say what
 * they waited for, and screenshots under test/browser/__screenshots__/.
 */

import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'
import { ROOT, STATIC_DIR } from '../../scripts/storybook.mjs'
import { chromiumPath } from './chromium.mjs'

export const SCREENSHOTS = join(ROOT, 'test', 'browser', '__screenshots__')
export const CHROMIUM = chromiumPath()

/**
 * Waits are bounded so a hang fails saying what it waited for, never to check speed. A call
 * site names the bound a quiet machine needs; it is multiplied by this (as test/helpers/
 * bounds.ts does for vitest) so a machine shared with CPU-bound processes still passes.
 */
export const LOAD_TOLERANCE = Math.max(1, Number(process.env.MOSAIK_TEST_LOAD_TOLERANCE ?? 4) || 4)

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/**
 * Serves `storybook-static/` on 127.0.0.1 (a free port). `/relay.json` answers with
 * `relay()` (the relay's multiaddrs) so the "Across tabs" story finds the relay at run time.
 */
export async function serveStatic({ relay = () => ({}) } = {}) {
  if (!existsSync(join(STATIC_DIR, 'iframe.html'))) {
    throw new Error(`no static Storybook at ${STATIC_DIR}: run "node scripts/storybook.mjs build" first`)
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/relay.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify(relay()))
      return
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '')
    let file = join(STATIC_DIR, rel)
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    if (!file.startsWith(STATIC_DIR) || !existsSync(file)) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}

/**
 * Launches headless Chromium with a fresh profile; `close()` removes the profile. With
 * `{ profile }` it uses that directory and keeps it (a browser restarted on the same profile).
 */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run "node test/browser/chromium.mjs" (installs it as root)`)
  }
  const keep = options.profile !== undefined
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'mosaik-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    context,
    close: async () => {
      await context.close().catch(() => {})
      if (!keep) rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Opens one story by id (`title--export`, kebab-case), collecting page errors for the assertion messages. */
export async function openStory(context, base, id, args = {}) {
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    // 404s are reported by the 'response' handler below, with their URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`)
  })
  const argString = Object.entries(args)
    // Storybook's URL arg syntax: booleans are `!true` / `!false`.
    .map(([k, v]) => `${k}:${typeof v === 'boolean' ? `!${v}` : v}`)
    .join(';')
  const url = `${base}/iframe.html?id=${id}&viewMode=story${argString ? `&args=${encodeURIComponent(argString)}` : ''}`
  await page.goto(url, { waitUntil: 'load', timeout: 20_000 * LOAD_TOLERANCE })
  page.errors = errors
  return page
}

/**
 * Polls `fn` (run in the page) until it returns a truthy value, at most `ms`. On timeout
 * it throws `what` with the last value and the page errors.
 */
export async function waitFor(page, what, fn, arg, quietMs = 15_000) {
  const ms = quietMs * LOAD_TOLERANCE
  const end = Date.now() + ms
  let last
  while (Date.now() < end) {
    last = await page.evaluate(fn, arg).catch((e) => `evaluate failed: ${e.message}`)
    if (last && !(typeof last === 'string' && last.startsWith('evaluate failed'))) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)}; page errors: ${JSON.stringify(page.errors?.slice(-5) ?? [])})`,
  )
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/**
 * Polls `check` (run in Node; it may call `page.evaluate`) until it returns a truthy
 * value, at most `ms`; on timeout throws `what` with the last value and the page errors.
 */
export async function until(page, what, check, quietMs = 15_000) {
  const ms = quietMs * LOAD_TOLERANCE
  const end = Date.now() + ms
  let last
  while (Date.now() < end) {
    let timer
    try {
      // A page whose main thread is stuck never answers `evaluate`: bound each check too.
      const stuck = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the page did not answer (main thread blocked?)')), end - Date.now())
      })
      last = await Promise.race([check(), stuck])
      if (last) return last
    } catch (e) {
      last = `check failed: ${e.message}`
    } finally {
      clearTimeout(timer)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)}; page errors: ${JSON.stringify(page.errors?.slice(-5) ?? [])})`,
  )
}

/** Every cell card of a story: role, peer, version, value, status. */
export function readCards(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=cell-card]')].map((c) => ({
      role: c.dataset.role,
      peer: c.dataset.peer,
      version: Number(c.dataset.version),
      value: c.dataset.value,
      status: c.querySelector('[data-testid=cell-status]')?.textContent,
    })),
  )
}

/** The devtools group-table rows: group, peer, role, version. */
export function readRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=mosaik-group-row]')].map((r) => ({
      group: r.dataset.group,
      peer: r.dataset.peer,
      role: r.dataset.role,
      term: Number(r.dataset.term),
      version: Number(r.dataset.version),
      reverted: Number(r.dataset.reverted),
    })),
  )
}

/**
 * Issue #16: members that open together form one group at once: exactly one leader, of term 1,
 * every member in term 1, no revert and no data-loss banner. Throws naming what differs.
 */
export async function assertOneTermOneLeader(page, members) {
  const rows = await until(
    page,
    `${members} devtools rows, each in a term`,
    async () => {
      const r = await readRows(page)
      return r.length === members && r.every((x) => x.term > 0) && r
    },
    10_000,
  )
  const leaders = rows.filter((r) => r.role === 'leader')
  const shown = JSON.stringify(rows.map((r) => `${r.role}@${r.term}/reverted ${r.reverted}`))
  if (leaders.length !== 1 || leaders[0].term !== 1) throw new Error(`not one term-1 leader: ${shown}`)
  if (rows.some((r) => r.term !== 1 || r.reverted !== 0)) throw new Error(`a member past term 1 or reverted: ${shown}`)
  const banners = await page.evaluate(() => document.querySelectorAll('[data-testid=mosaik-data-loss]').length)
  if (banners !== 0) throw new Error('a data-loss banner is shown')
}

/** The leader named by the first devtools LeaderBadge, or undefined. */
export function readLeader(page) {
  return page.evaluate(
    () => document.querySelector('[data-testid=mosaik-leader-badge]')?.getAttribute('data-leader') || undefined,
  )
}

/**
 * For a `describe` block: serves the built Storybook and launches Chromium before its tests,
 * closes both after. Returns an object whose `server` and `browser` are set once started.
 */
export function useStorybookBrowser(options) {
  const env = { server: undefined, browser: undefined }
  before(async () => {
    env.server = await serveStatic(options)
    env.browser = await launchBrowser()
  })
  after(async () => {
    await env.browser?.close()
    await env.server?.close()
  })
  return env
}
