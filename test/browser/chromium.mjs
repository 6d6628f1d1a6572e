#!/usr/bin/env node
/**
 * The browser tests drive Debian's Chromium (never a downloaded browser). `npm test` must
 * set itself up on a fresh machine, so before the browser suite runs this makes sure the
 * binary is there: present → nothing to do; missing and we are root on a system with
 * apt-get → install Debian's `chromium`; otherwise → stop with one line saying how.
 *
 *   node test/browser/chromium.mjs             # ensure it (installs as root when missing)
 *   node test/browser/chromium.mjs --dry-run   # print what it would do, change nothing
 *
 * `CHROMIUM_PATH` points at another binary (default /usr/bin/chromium).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Where Debian's chromium package puts the browser. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** The browser binary the tests launch: `CHROMIUM_PATH`, else Debian's. */
export function chromiumPath(env = process.env) {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM
}

/** The commands that install Debian's chromium (run as root, non-interactive). */
export const INSTALL_COMMANDS = [
  ['apt-get', 'update', '-qq'],
  ['apt-get', 'install', '-y', '-qq', 'chromium'],
]

const shell = (commands) => commands.map((c) => c.join(' ')).join(' && ')

/**
 * What to do about the browser binary, decided from facts only (no side effects):
 * `{ action: 'ready' }`, `{ action: 'install', commands }` or `{ action: 'stop', message }`.
 */
export function chromiumPlan({ path, exists, root, aptGet }) {
  if (exists) return { action: 'ready' }
  if (root && aptGet) return { action: 'install', commands: INSTALL_COMMANDS }
  const how = aptGet
    ? `install it: ${shell(INSTALL_COMMANDS.map((c) => ['sudo', ...c]))}`
    : 'install Chromium with your package manager'
  return {
    action: 'stop',
    message: `${path} is missing and the browser tests need it: ${how} (or set CHROMIUM_PATH to a Chromium binary)`,
  }
}

/** The facts `chromiumPlan` decides from, read from this machine. */
export function machineFacts(path = chromiumPath()) {
  return {
    path,
    exists: existsSync(path),
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    aptGet: existsSync('/usr/bin/apt-get'),
  }
}

/**
 * Makes sure the browser binary exists, installing Debian's chromium as root when missing.
 * Returns `{ ok: true, path }`, or `{ ok: false, message }` (one line) when it cannot.
 * With `dryRun`, only reports what it would do (`{ ok: true, path, wouldRun }`).
 */
export function ensureChromium({ facts = machineFacts(), dryRun = false, log = console.log } = {}) {
  const plan = chromiumPlan(facts)
  if (plan.action === 'ready') return { ok: true, path: facts.path }
  if (plan.action === 'stop') return { ok: false, message: plan.message }
  if (dryRun) return { ok: true, path: facts.path, wouldRun: shell(plan.commands) }
  log(`${facts.path} is missing: installing Debian's chromium (${shell(plan.commands)})`)
  for (const [cmd, ...args] of plan.commands) {
    const r = spawnSync(cmd, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    if (r.status !== 0) {
      const why = r.error ? r.error.message : `exit code ${r.status ?? r.signal}`
      return { ok: false, message: `installing chromium failed at "${cmd} ${args.join(' ')}" (${why})` }
    }
  }
  if (!existsSync(facts.path)) {
    return {
      ok: false,
      message: `installed Debian's chromium but ${facts.path} is still missing: point CHROMIUM_PATH at the binary`,
    }
  }
  return { ok: true, path: facts.path }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dryRun = process.argv.includes('--dry-run')
  const r = ensureChromium({ dryRun })
  if (!r.ok) {
    console.error(r.message)
    process.exit(1)
  }
  console.log(r.wouldRun ? `would run: ${r.wouldRun}` : `chromium: ${r.path}`)
}
