import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { Cell } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'

const WRITER = fileURLToPath(new URL('./fixtures/persist-writer.ts', import.meta.url))
const root = mkdtempSync(join(tmpdir(), 'mosaik-kill-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }

describe('persist: a writer killed with SIGKILL mid-stream', () => {
  it('restarts from its directory with every acknowledged write, readable before it is online', async () => {
    const dir = join(root, 'writer')
    const network = `kill-${UniqueId.random().short()}`
    const store = UniqueId.random().toString()
    // process.execPath is the Node 22 that runs the tests; tsx runs the TypeScript fixture.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, network, store], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    let peer = ''
    let acked = { n: 0, version: 0 }
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          for (const m of out.matchAll(/^online (\S+)$/gm)) peer = m[1] as string
          for (const m of out.matchAll(/^ack (\d+) (\d+)$/gm)) acked = { n: Number(m[1]), version: Number(m[2]) }
          // Mid-stream: the writer is busy writing when the kill lands.
          if (acked.n >= 200) resolve()
        })
        child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)))
      }),
      60_000,
      'the child writer to acknowledge 200 writes',
    )
    // While the writer lives, its directory is locked: another process runs in memory, as someone else.
    const rival = await Network.create({ network, transport: 'memory', persist: dir })
    try {
      expect(rival.persistedAt).toBeUndefined()
      expect(rival.peerId).not.toBe(peer)
    } finally {
      await rival.stop()
    }
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    // Acks printed after the kill was sent may still be in the pipe: the last one read counts.
    for (const m of out.matchAll(/^ack (\d+) (\d+)$/gm)) acked = { n: Number(m[1]), version: Number(m[2]) }

    // The lock file of the killed process is stale: the restart takes it over, with the same identity.
    const net = await Network.create({ network, transport: 'memory', persist: dir })
    try {
      expect(net.peerId).toBe(peer)
      const reader = Cell.writer<number>(net, store, { consensus: FAST })
      expect(reader.getSnapshot().online).toBe(false)
      expect(reader.read()).toBeGreaterThanOrEqual(acked.n)
      expect(reader.version()).toBeGreaterThanOrEqual(acked.version)
      console.log(
        `killed after ack ${acked.n} (version ${acked.version}); restarted with ${reader.read()} at ${reader.version()}`,
      )
      await withTimeout(reader.when.online(), 10_000, 'the restarted writer to come online')
      const v = await withTimeout(reader.write(-1), 10_000, 'a write after the restart')
      expect(v).toBeGreaterThan(acked.version)
      await reader.close()
    } finally {
      await net.stop()
    }
  })
})
