#!/usr/bin/env node
/**
 * `npm run test:browser`: builds the static Storybook once, then runs every
 * `test/browser/*.test.mjs` (node:test) one file at a time against headless Debian Chromium.
 * A fresh machine needs no set-up: when the browser is missing it is installed first
 * (apt-get, as root), or the run stops with one line saying how (see chromium.mjs).
 * Screenshots land in test/browser/__screenshots__/ (git-ignored).
 *
 *   node test/browser/run.mjs              # build + all browser tests
 *   node test/browser/run.mjs --no-build   # reuse storybook-static/
 *   node test/browser/run.mjs cells        # only files whose name contains "cells"
 */
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnStorybook } from '../../scripts/storybook.mjs'
import { ensureChromium } from './chromium.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const build = !args.includes('--no-build')
const filters = args.filter((a) => !a.startsWith('--'))

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`test:browser needs Node >= 22 (this is ${process.version}); run it through npm`)
  process.exit(1)
}
const chromium = ensureChromium()
if (!chromium.ok) {
  console.error(chromium.message)
  process.exit(1)
}

const run = (child) => new Promise((ok) => child.on('exit', (code, signal) => ok(code ?? (signal ? 1 : 0))))

if (build) {
  const t0 = Date.now()
  const code = await run(spawnStorybook('build', ['--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] }))
  if (code !== 0) {
    console.error(`storybook build failed (${code})`)
    process.exit(code)
  }
  console.log(`storybook built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort()
  .map((f) => join(here, f))
const code = await run(
  spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' }),
)
process.exit(code)
