import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { type Relay, startRelay } from '../../src/node/relay.js'
import { Nets, until } from '../network/helpers.js'

const nets = new Nets()
const relays: Relay[] = []
let dir = ''
afterEach(async () => {
  await nets.stopAll()
  for (const r of relays.splice(0)) await r.stop()
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function keyPath(name: string): Promise<string> {
  dir ||= await mkdtemp(join(tmpdir(), 'mosaik-relay-'))
  return join(dir, name)
}

async function relay(options: Parameters<typeof startRelay>[0]): Promise<Relay> {
  const r = await startRelay(options)
  relays.push(r)
  return r
}

function portOf(addr: string): number {
  return Number(/\/tcp\/(\d+)\//.exec(addr)?.[1])
}

describe('relay identity from --key-file', () => {
  it('creates the key file (mode 0600) on first run and keeps the same multiaddr across a restart', async () => {
    const keyFile = await keyPath('nested/relay.key')
    const first = await relay({ network: 'relay-restart', keyFile })
    expect(first.createdKey).toBe(true)
    expect(((await stat(keyFile)).mode & 0o777).toString(8)).toBe('600')
    const port = portOf(first.addresses[0] as string)
    await first.stop()
    const second = await relay({ network: 'relay-restart', keyFile, port })
    expect(second.createdKey).toBe(false)
    expect(second.addresses).toEqual(first.addresses)
    expect(second.network.peerId).toBe(first.network.peerId)
  })

  it('refuses a key file others can read, and one that holds no key, with a clear error', async () => {
    const open = await keyPath('open.key')
    const first = await relay({ network: 'relay-restart', keyFile: open })
    await first.stop()
    const { chmod } = await import('node:fs/promises')
    await chmod(open, 0o644)
    await expect(startRelay({ network: 'relay-restart', keyFile: open })).rejects.toThrow(
      /readable by others.*chmod 600/,
    )
    const garbage = await keyPath('garbage.key')
    await writeFile(garbage, 'not a key\n', { mode: 0o600 })
    await expect(startRelay({ network: 'relay-restart', keyFile: garbage })).rejects.toThrow(/hex-encoded libp2p key/)
  })

  it('announces the given public address, with the relay id appended', async () => {
    const r = await relay({ network: 'relay-announce', announce: ['/dns4/relay.example.com/tcp/443/wss'] })
    expect(r.addresses).toEqual([`/dns4/relay.example.com/tcp/443/wss/p2p/${r.network.peerId}`])
    expect(r.listening[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)
  })
})

describe('bootstrap redial', () => {
  it('a peer reconnects by itself after its relay restarts with the same key and port', async () => {
    const keyFile = await keyPath('redial.key')
    const first = await relay({ network: 'relay-redial', keyFile })
    const port = portOf(first.addresses[0] as string)
    const peer = await nets.create({
      network: 'relay-redial',
      transport: 'node',
      iceServers: [],
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: first.addresses,
      bootstrapRedial: { backoffMs: 100, maxBackoffMs: 1_000 },
    })
    await peer.status.waitFor((s) => s.status === 'online' && s.relays === 1, 'the peer to reach the relay', 15_000)

    await first.stop()
    const lost = await peer.status.waitFor((s) => s.relays === 0, 'the peer to notice the relay is gone', 15_000)
    expect(lost.status).toBe('offline')
    expect(lost.reason).toContain(first.addresses[0])

    const t0 = performance.now()
    const second = await relay({ network: 'relay-redial', keyFile, port })
    expect(second.addresses).toEqual(first.addresses)
    const back = await peer.status.waitFor((s) => s.relays === 1, 'the peer to redial the restarted relay', 20_000)
    console.log(`peer reconnected ${(performance.now() - t0).toFixed(0)} ms after the relay restarted`)
    expect(back.status).toBe('online')
    await until([second.network], 'the restarted relay to see the peer', () =>
      second.network.connectedPeers().includes(peer.peerId),
    )
  })
})
