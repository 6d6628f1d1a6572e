#!/usr/bin/env node
/**
 * `npm start`: the playground. Starts the local relay/bootstrap node in-process on
 * 127.0.0.1, then Storybook (telemetry off, in its own process group), and says which
 * URL to open. Ctrl-C stops both.
 *
 * Env: MOSAIK_RELAY_PORT (default 9090, falls back to a free port), STORYBOOK_PORT (6006).
 */
import { spawnStorybook, stopGroup } from './storybook.mjs'

const NETWORK = 'mosaik-playground'
const RELAY_PORT = Number(process.env.MOSAIK_RELAY_PORT ?? 9090)
const SB_PORT = Number(process.env.STORYBOOK_PORT ?? 6006)
const READY_TIMEOUT_MS = 180_000

function fail(message) {
  console.error(`\nnpm start: ${message}\n`)
  process.exit(1)
}

const major = Number(process.versions.node.split('.')[0])
if (major < 22)
  fail(`needs Node >= 22 (this is ${process.version}); run it as "npm start" so node_modules/.bin/node is used`)

async function loadRelay() {
  let tsx
  try {
    tsx = await import('tsx/esm/api')
  } catch (e) {
    fail(`cannot load tsx (${e.message}); run "npm ci" first`)
  }
  try {
    const mod = await tsx.tsImport('../src/node/index.ts', import.meta.url)
    if (typeof mod.startRelay !== 'function') throw new Error('src/node/index.ts does not export startRelay')
    return mod.startRelay
  } catch (e) {
    fail(`the relay (src/node, startRelay) is missing or broken: ${e.message}`)
  }
}

async function startRelayOnLoopback(startRelay) {
  try {
    return await startRelay({ host: '127.0.0.1', port: RELAY_PORT, network: NETWORK })
  } catch (e) {
    console.warn(`relay: port ${RELAY_PORT} unavailable (${e.message}); using a free port`)
    return startRelay({ host: '127.0.0.1', port: 0, network: NETWORK })
  }
}

async function waitForHttp(url, ms, child) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (child.exitCode !== null) return false
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return true
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return false
}

const startRelay = await loadRelay()
const relay = await startRelayOnLoopback(startRelay)
console.log(`relay: listening on ${relay.addresses.join(' ')}`)

const relayInfo = JSON.stringify({ network: NETWORK, addresses: relay.addresses })
const storybook = spawnStorybook('dev', ['--port', String(SB_PORT)], {
  detached: true,
  env: { STORYBOOK_MOSAIK_RELAY: relayInfo },
})

let stopping = false
async function shutdown(code = 0) {
  if (stopping) return
  stopping = true
  stopGroup(storybook)
  const killer = setTimeout(() => stopGroup(storybook, 'SIGKILL'), 5000)
  killer.unref()
  await relay.stop().catch(() => {})
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
process.on('exit', () => stopGroup(storybook, 'SIGKILL'))
storybook.on('exit', (code) => {
  if (!stopping) {
    console.error(`storybook exited (${code}); stopping the relay`)
    void shutdown(code ?? 1)
  }
})

const base = `http://127.0.0.1:${SB_PORT}`
if (!(await waitForHttp(`${base}/iframe.html`, READY_TIMEOUT_MS, storybook))) {
  console.error(`Storybook did not answer on ${base} within ${READY_TIMEOUT_MS / 1000} s`)
  await shutdown(1)
}
const tabs = `${base}/?path=/story/playground-across-tabs--across-tabs`
console.log(`
  mosaik-react playground is running.

    Open            ${base}
    Across tabs     ${tabs}
                    open it in a second tab (or window): that tab's peer joins the same
                    cells over WebRTC, signalled through the local relay.
    Relay           ${relay.addresses[0]}   (network "${NETWORK}")

  Ctrl-C stops Storybook and the relay.
`)
