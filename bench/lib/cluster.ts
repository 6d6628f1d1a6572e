/**
 * A group of `Network`s in this process, all on one transport, each holding one handle on
 * the same cell: the fixture every consensus benchmark measures. Memory and TCP peers
 * bootstrap from the first peer; WebRTC peers bootstrap from an in-process relay
 * (`startRelay`) and then talk over direct data channels signalled through it.
 */
import type { Libp2p } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { Cell, type CellOptions, type CellReader, type CellWriter } from '../../src/collections/index.js'
import { Network, type NetworkOptions } from '../../src/network/index.js'
import { type ByteCount, byteCounter } from './bytes.js'
import { measureFanOutRtt, measureRtt, serveEcho } from './rtt.js'
import { within } from './stats.js'
import { assertTransport, type BenchTransport, directConnection } from './transports.js'

export type Value = { n: number; at: number }

let clusterSeq = 0
let memorySeq = 0

export interface Relay {
  readonly addresses: string[]
  stop(): Promise<void>
}

export interface PeerOptions {
  /** Count the bytes this peer sends and receives (memory and TCP only). */
  countBytes?: boolean
}

/** The transport part of `Network.create` options for one peer of a bench cluster. */
export function peerOptions(
  transport: BenchTransport,
  bootstrap: string[],
  opts: PeerOptions = {},
): { options: Pick<NetworkOptions, 'transport' | 'listen' | 'bootstrap' | 'iceServers'>; bytes?: ByteCount } {
  const counter = opts.countBytes ? byteCounter() : undefined
  const gater = { denyDialMultiaddr: () => false }
  switch (transport) {
    case 'memory':
      return {
        options: {
          transport: {
            transports: [memory()],
            addresses: { listen: [`/memory/mosaik-bench-${process.pid}-${++memorySeq}`] },
            ...(counter && { metrics: counter.metrics }),
          },
          bootstrap,
        },
        ...(counter && { bytes: counter.count }),
      }
    case 'tcp':
      return {
        options: {
          transport: {
            transports: [tcp()],
            addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
            connectionGater: gater,
            ...(counter && { metrics: counter.metrics }),
          },
          bootstrap,
        },
        ...(counter && { bytes: counter.count }),
      }
    case 'webrtc':
      // The browser preset: WebRTC + WebSockets + circuit relay, reachable only via the relay.
      return { options: { transport: 'browser', iceServers: [], bootstrap } }
  }
}

export interface ClusterOptions {
  transport: BenchTransport
  /** Writers (normal members). */
  writers: number
  /** Readers (observers), each on its own network. */
  readers?: number
  /** Consensus and sync settings of the cell (part of its group id). */
  cell?: CellOptions<Value>
  /** Bound on the whole start, ms (default 30 s). */
  timeout?: number
}

export interface Peer {
  readonly network: Network
  readonly bytes: ByteCount | undefined
}

/** N networks, one cell handle each, all online with one agreed leader. */
export class Cluster {
  readonly transport: BenchTransport
  readonly storeId: string
  readonly networkName: string
  readonly cellOptions: CellOptions<Value>
  readonly peers: Peer[] = []
  readonly writers: CellWriter<Value>[] = []
  readonly readers: CellReader<Value>[] = []
  /** Peer index of each writer / reader. */
  readonly writerPeer: number[] = []
  readonly readerPeer: number[] = []
  relay: Relay | undefined

  private constructor(transport: BenchTransport, cellOptions: CellOptions<Value>) {
    this.transport = transport
    this.cellOptions = cellOptions
    const id = `${process.pid}-${++clusterSeq}`
    this.networkName = `mosaik-bench-${id}`
    this.storeId = `bench.cell.${id}`
  }

  static async start(opts: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(opts.transport, opts.cell ?? {})
    try {
      await within(
        opts.timeout ?? 30_000,
        `a ${opts.transport} cluster of ${opts.writers}+${opts.readers ?? 0} online`,
        c.#start(opts),
      )
    } catch (err) {
      await c.stop()
      throw err
    }
    return c
  }

  async #start(opts: ClusterOptions): Promise<void> {
    if (opts.transport === 'webrtc') {
      const { startRelay } = await import('../../src/node/index.js')
      this.relay = await startRelay({ host: '127.0.0.1', port: 0, network: this.networkName })
    }
    // The first writer alone elects itself at once; the others then join a group with a
    // leader (as in an app's life), instead of all waiting out the first election together.
    if (opts.writers > 0) {
      const first = await this.addWriter()
      await within(30_000, 'the first writer online', first.when.online())
    }
    for (let i = 1; i < opts.writers; i++) await this.addWriter()
    for (let i = 0; i < (opts.readers ?? 0); i++) await this.addReader()
    await this.settled()
  }

  /** Where a new peer bootstraps from: the relay, or the first peer. */
  bootstrap(): string[] {
    if (this.relay) return this.relay.addresses
    return this.peers[0]?.network.addresses() ?? []
  }

  async addPeer(opts: PeerOptions = {}): Promise<number> {
    const { options, bytes } = peerOptions(this.transport, this.bootstrap(), opts)
    const network = await Network.create({ network: this.networkName, ...options })
    this.peers.push({ network, bytes })
    return this.peers.length - 1
  }

  /** Adds a peer with a writer; resolves when the handle exists (not yet online). */
  async addWriter(opts: PeerOptions = {}): Promise<CellWriter<Value>> {
    return this.attachWriter(await this.addPeer(opts))
  }

  async addReader(opts: PeerOptions = {}): Promise<CellReader<Value>> {
    return this.attachReader(await this.addPeer(opts))
  }

  attachWriter(p: number): CellWriter<Value> {
    const w = Cell.writer<Value>((this.peers[p] as Peer).network, this.storeId, this.cellOptions)
    this.writers.push(w)
    this.writerPeer.push(p)
    return w
  }

  attachReader(p: number): CellReader<Value> {
    const r = Cell.reader<Value>((this.peers[p] as Peer).network, this.storeId, this.cellOptions)
    this.readers.push(r)
    this.readerPeer.push(p)
    return r
  }

  /** Closes the handles on the most recently added peer and stops it. */
  async removeLastPeer(): Promise<void> {
    const p = this.peers.length - 1
    const peer = this.peers.pop()
    if (!peer) return
    const drop = async (handles: Array<{ close(): Promise<void> }>, owners: number[]) => {
      for (let k = owners.length - 1; k >= 0; k--) {
        if (owners[k] !== p) continue
        const [h] = handles.splice(k, 1)
        owners.splice(k, 1)
        await h?.close()
      }
    }
    await drop(this.writers, this.writerPeer)
    await drop(this.readers, this.readerPeer)
    await peer.network.stop()
  }

  /** Every handle online and agreeing on one leader. */
  async settled(timeout = 30_000): Promise<void> {
    const all = [...this.writers, ...this.readers]
    if (all.length === 0) return
    await within(timeout, 'every replica online', Promise.all(all.map((h) => h.when.online())))
    const deadline = performance.now() + timeout
    for (;;) {
      const leaders = new Set(all.map((h) => h.getSnapshot().leader))
      if (leaders.size === 1 && !leaders.has(undefined) && all.every((h) => h.getSnapshot().online)) return
      if (performance.now() > deadline) throw new Error(`replicas disagree on the leader: ${[...leaders].join(', ')}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  /** Index (in `writers`) of the writer on the leader's peer. */
  leaderWriter(): number {
    const leader = this.writers[0]?.getSnapshot().leader
    const i = this.writers.findIndex((_, k) => this.peerOfWriter(k).network.peerId === leader)
    if (i < 0) throw new Error(`no writer is the leader (${leader})`)
    return i
  }

  /** Index of a writer that is not the leader. */
  followerWriter(): number {
    const l = this.leaderWriter()
    const i = this.writers.findIndex((_, k) => k !== l)
    if (i < 0) throw new Error('no follower writer in a cluster of one')
    return i
  }

  peerOfWriter(k: number): Peer {
    return this.peers[this.writerPeer[k] as number] as Peer
  }

  peerOfReader(k: number): Peer {
    return this.peers[this.readerPeer[k] as number] as Peer
  }

  /**
   * Raw stream round trips (ms) between two peers of this cluster over their existing
   * direct connection: the physical limit for a message exchange between them.
   */
  async rawRtt(from: Peer, to: Peer, samples: number, warmup = 20): Promise<number[]> {
    const a = from.network.libp2p as unknown as Libp2p
    const b = to.network.libp2p as unknown as Libp2p
    await serveEcho(b)
    const conn = directConnection(a, b.peerId, this.transport) ?? (await a.dial(b.peerId))
    assertTransport(conn, this.transport)
    return measureRtt(conn, { samples, warmup })
  }

  /**
   * Raw fan-out round trips (ms) from `from` to every peer of `to` at once, until the first
   * echo is back (`measureFanOutRtt`): the least a commit's AppendEntries round can cost here.
   */
  async rawFanOutRtt(from: Peer, to: readonly Peer[], samples: number, warmup = 20): Promise<number[]> {
    const a = from.network.libp2p as unknown as Libp2p
    const conns = []
    for (const peer of to) {
      const b = peer.network.libp2p as unknown as Libp2p
      await serveEcho(b)
      const conn = directConnection(a, b.peerId, this.transport) ?? (await a.dial(b.peerId))
      assertTransport(conn, this.transport)
      conns.push(conn)
    }
    return measureFanOutRtt(conns, { samples, warmup })
  }

  /** How peers are connected: `direct` if every pair has a direct connection on the transport. */
  connectivity(): string {
    let direct = 0
    let other = 0
    for (const a of this.peers) {
      for (const b of this.peers) {
        if (a === b) continue
        const la = a.network.libp2p as unknown as Libp2p
        if (directConnection(la, (b.network.libp2p as unknown as Libp2p).peerId, this.transport)) direct++
        else if (la.getConnections((b.network.libp2p as unknown as Libp2p).peerId).length > 0) other++
      }
    }
    return `${direct} direct, ${other} other (relayed/limited) connections`
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.writers, ...this.readers].map((h) => h.close()))
    await Promise.allSettled(this.peers.map((p) => p.network.stop()))
    await this.relay?.stop().catch(() => {})
  }
}

/** A fresh value; `at` lets observers compute write-to-visible latency. */
let valueSeq = 0
export const value = (): Value => ({ n: ++valueSeq, at: performance.now() })
