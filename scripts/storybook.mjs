#!/usr/bin/env node
/**
 * Runs Storybook with telemetry off and its home/cache/config dirs inside the git-ignored
 * `.tmp/`, so it never writes to the user's home or phones home.
 *
 *   node scripts/storybook.mjs dev [--port 6006] [storybook args…]   # dev server on 127.0.0.1
 *   node scripts/storybook.mjs build [storybook args…]               # static build to storybook-static/
 *
 * `start.mjs` and the browser tests import `storybookEnv` and `spawnStorybook` from here.
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const STATIC_DIR = join(ROOT, 'storybook-static')

/** The environment Storybook runs with: no telemetry, HOME and XDG dirs under .tmp/. */
export function storybookEnv(extra = {}) {
  const tmp = join(ROOT, '.tmp', 'storybook-home')
  const dirs = {
    HOME: tmp,
    XDG_CONFIG_HOME: join(tmp, 'config'),
    XDG_CACHE_HOME: join(tmp, 'cache'),
    XDG_DATA_HOME: join(tmp, 'data'),
    XDG_STATE_HOME: join(tmp, 'state'),
  }
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
  return {
    ...process.env,
    ...dirs,
    STORYBOOK_DISABLE_TELEMETRY: '1',
    STORYBOOK_ENABLE_CRASH_REPORTS: '0',
    ...extra,
  }
}

/**
 * Starts `storybook dev` or `storybook build`. With `detached`, Storybook leads its own
 * process group so the caller can stop it and everything it spawned with one signal to
 * `-child.pid`.
 */
export function spawnStorybook(mode, args = [], { env = {}, detached = false, stdio = 'inherit' } = {}) {
  const bin = join(ROOT, 'node_modules', 'storybook', 'dist', 'bin', 'dispatcher.js')
  const common = ['--disable-telemetry']
  const modeArgs =
    mode === 'dev'
      ? [
          'dev',
          '--host',
          '127.0.0.1',
          '--ci',
          '--exact-port',
          '--no-version-updates',
          ...common,
          ...(args.includes('-p') || args.includes('--port') ? [] : ['--port', '6006']),
        ]
      : ['build', '--output-dir', STATIC_DIR, ...common]
  return spawn(process.execPath, [bin, ...modeArgs, ...args], {
    cwd: ROOT,
    env: storybookEnv(env),
    detached,
    stdio,
  })
}

/** Stops a detached Storybook and its children (the whole process group). */
export function stopGroup(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    child.kill(signal)
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const [mode = 'dev', ...rest] = process.argv.slice(2)
  if (mode !== 'dev' && mode !== 'build') {
    console.error(`usage: node scripts/storybook.mjs dev|build [storybook args…] (got "${mode}")`)
    process.exit(2)
  }
  const child = spawnStorybook(mode, rest, { detached: true })
  const stop = () => stopGroup(child)
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
