/**
 * One peer of a bench cluster in a Node process of its own, driven by its parent over the
 * IPC channel of `child_process.fork` (`ProcessPeer` in `process-cluster.ts`). It runs a TCP
 * `Network` on 127.0.0.1 with one writer handle on the cluster's cell, echoes raw streams
 * for the parent's round-trip measurements, and times write loops on request. It exits when
 * its parent goes away.
 */
import type { Libp2p } from '@libp2p/interface'
import { Cell, type CellOptions, type CellWriter } from '../../src/collections/index.js'
import { Network } from '../../src/network/index.js'
import { peerOptions, type Value, value } from './cluster.js'
import { serveEcho } from './rtt.js'
import { timeEach, timeTight } from './stats.js'

export type PeerRequest =
  | { op: 'start'; network: string; storeId: string; bootstrap: string[]; cell: CellOptions<Value> }
  | { op: 'online' }
  | { op: 'leader' }
  | { op: 'loop'; style: 'yielding' | 'tight'; n: number }
  | { op: 'cpu' }
  | { op: 'stop' }

export type PeerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }

let network: Network | undefined
let writer: CellWriter<Value> | undefined

function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('the peer was not started')
  return v
}

async function handle(req: PeerRequest): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      const { options } = peerOptions('tcp', req.bootstrap)
      network = await Network.create({ network: req.network, ...options })
      await serveEcho(network.libp2p as unknown as Libp2p)
      writer = Cell.writer<Value>(network, req.storeId, req.cell)
      return { peerId: network.peerId, addresses: network.addresses() }
    }
    case 'online':
      await need(writer).when.online()
      return true
    case 'leader':
      return need(writer).getSnapshot().leader ?? null
    case 'loop': {
      const w = need(writer)
      const loop = req.style === 'tight' ? timeTight : timeEach
      return loop(req.n, () => w.write(value()))
    }
    case 'cpu': {
      const { user, system } = process.cpuUsage()
      return (user + system) / 1000
    }
    case 'stop':
      await writer?.close()
      await network?.stop()
      setImmediate(() => process.exit(0))
      return true
  }
}

process.on('message', (msg: { id: number; req: PeerRequest }) => {
  handle(msg.req).then(
    (result) => process.send?.({ id: msg.id, ok: true, result } satisfies PeerReply),
    (err: unknown) =>
      process.send?.({ id: msg.id, ok: false, error: (err as Error)?.stack ?? String(err) } satisfies PeerReply),
  )
})
// The parent went away (ended or crashed): nothing is left to serve.
process.on('disconnect', () => process.exit(0))
