/**
 * A relay deployed behind a TLS reverse proxy: the relay listens on plain WebSockets on
 * 127.0.0.1 and announces the proxy's `wss` address; the proxy terminates TLS with a
 * self-signed certificate made here. Peers run in child processes, because Node's
 * WebSocket (which @libp2p/websockets uses) trusts only the CAs the process started with:
 * the one given NODE_EXTRA_CA_CERTS connects, the one without refuses the certificate.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:tls'
import { generate } from 'selfsigned'
import { afterAll, describe, expect, it } from 'vitest'
import { type Relay, startRelay } from '../../src/node/relay.js'
import { until } from '../network/helpers.js'
import { type Child, startPeer } from './child.js'

const cleanup: Array<() => Promise<unknown> | unknown> = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

/** A TLS-terminating TCP proxy (what nginx or Caddy do in front of the relay). */
async function tlsProxy(key: string, cert: string, target: () => number): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>()
  const server = createServer({ key, cert }, (client) => {
    const upstream = connect(target(), '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  return { port: (server.address() as { port: number }).port, server }
}

// Two Node processes loading the sources through tsx: the bound is sized for that.
describe('a relay behind a TLS reverse proxy (wss)', { timeout: 90_000 }, () => {
  it('is reached at its announced wss address by a peer that trusts the certificate, and only then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mosaik-wss-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    })
    const caFile = join(dir, 'ca.pem')
    await writeFile(caFile, pems.cert)

    let relay: Relay | undefined
    const proxy = await tlsProxy(pems.private, pems.cert, () =>
      Number(/\/tcp\/(\d+)\//.exec(relay?.listening[0] ?? '')?.[1]),
    )
    relay = await startRelay({ network: 'relay-wss', announce: [`/dns4/localhost/tcp/${proxy.port}/tls/ws`] })
    cleanup.push(() => relay?.stop())
    const wss = relay.addresses[0] as string
    expect(wss).toBe(`/dns4/localhost/tcp/${proxy.port}/tls/ws/p2p/${relay.network.peerId}`)

    const peers: Child[] = []
    cleanup.push(() => Promise.all(peers.map((p) => p.stop())))
    const trusting = startPeer(
      { network: 'relay-wss', listen: [], dial: [wss] },
      { env: { NODE_EXTRA_CA_CERTS: caFile } },
    )
    peers.push(trusting)
    const ready = await trusting.event((e) => e.event === 'ready', 'the trusting peer to start', 30_000)
    const t0 = performance.now()
    const outcome = await trusting.event(
      (e) => e.event === 'dialed' || e.event === 'error',
      'the trusting peer to dial the wss address',
      30_000,
    )
    expect(outcome).toMatchObject({ event: 'dialed', addr: wss })
    console.log(
      `a Node peer connected to the relay over wss through the TLS proxy in ${(performance.now() - t0).toFixed(0)} ms`,
    )
    await until([relay.network], 'the relay to see the wss peer', () =>
      relay.network.connectedPeers().includes(ready.peerId as string),
    )

    const distrusting = startPeer(
      { network: 'relay-wss', listen: [], dial: [wss], dialRetry: { attempts: 1 } },
      { env: { NODE_EXTRA_CA_CERTS: '' } },
    )
    peers.push(distrusting)
    const refused = await distrusting.event(
      (e) => e.event === 'dialed' || e.event === 'error',
      'the distrusting peer to give up on the wss address',
      30_000,
    )
    expect(refused.event).toBe('error')
    expect(relay.network.connectedPeers()).toEqual([ready.peerId])
  })
})
