/**
 * A TCP bench cluster with one Node process per peer, as peers run on their own machines
 * in a deployment: the first peer lives in this process, the others are forked children
 * (`peer-process.ts`) driven over IPC. In `Cluster` all peers share one thread, so every
 * commit pays for the three peers' work one after another; here they run side by side.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { Cell, type CellOptions, type CellWriter } from '../../src/collections/index.js'
import { Network } from '../../src/network/index.js'
import { peerOptions, type Value } from './cluster.js'
import type { PeerReply, PeerRequest } from './peer-process.js'
import { measureFanOutRtt, measureRtt } from './rtt.js'
import { until, within } from './stats.js'
import { assertTransport, directConnection } from './transports.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
let seq = 0

/** A peer in a child process: each request resolves with the child's answer. */
export class ProcessPeer {
  readonly #child: ChildProcess
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  #next = 0
  #exited: Error | undefined
  peerId = ''

  constructor() {
    // The child runs on the same Node as this process, its TypeScript compiled as the bench's is (`ts-hooks.mjs`).
    this.#child = fork(join(here, 'peer-process.ts'), [], {
      cwd: root,
      execArgv: ['--import', pathToFileURL(join(here, 'register.mjs')).href],
      stdio: ['ignore', 2, 2, 'ipc'],
    })
    this.#child.on('message', (reply: PeerReply) => {
      const w = this.#waiting.get(reply.id)
      this.#waiting.delete(reply.id)
      if (reply.ok) w?.resolve(reply.result)
      else w?.reject(new Error(`peer process: ${reply.error}`))
    })
    this.#child.on('exit', (code, signal) => {
      this.#exited = new Error(`peer process exited (${signal ?? code})`)
      for (const w of this.#waiting.values()) w.reject(this.#exited)
      this.#waiting.clear()
    })
  }

  request<T>(req: PeerRequest): Promise<T> {
    if (this.#exited) return Promise.reject(this.#exited)
    const id = ++this.#next
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.#child.send({ id, req })
    })
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()))
    await this.request({ op: 'stop' }).catch(() => {})
    await within(10_000, 'a peer process to exit', exited).catch(() => this.#child.kill('SIGKILL'))
  }
}

/** Peer 0 (the leader: it comes online alone first) here, `size - 1` peers in child processes. */
export class ProcessCluster {
  readonly children: ProcessPeer[] = []
  network: Network | undefined
  writer: CellWriter<Value> | undefined

  static async start(size: number, cell: CellOptions<Value>): Promise<ProcessCluster> {
    const c = new ProcessCluster()
    try {
      await within(60_000, `a tcp cluster of ${size} processes online`, c.#start(size, cell))
    } catch (err) {
      await c.stop()
      throw err
    }
    return c
  }

  async #start(size: number, cell: CellOptions<Value>): Promise<void> {
    const id = `${process.pid}-p${++seq}`
    const name = `mosaik-bench-${id}`
    const storeId = `bench.cell.${id}`
    const network = await Network.create({ network: name, ...peerOptions('tcp', []).options })
    this.network = network
    this.writer = Cell.writer<Value>(network, storeId, cell)
    await this.writer.when.online()
    for (let i = 1; i < size; i++) {
      const peer = new ProcessPeer()
      this.children.push(peer)
      const started = await peer.request<{ peerId: string }>({
        op: 'start',
        network: name,
        storeId,
        bootstrap: network.addresses(),
        cell,
      })
      peer.peerId = started.peerId
    }
    await Promise.all(this.children.map((p) => p.request({ op: 'online' })))
    // Every peer agrees that this one leads, over direct TCP connections.
    const me = network.peerId
    for (const p of this.children) {
      await until(
        30_000,
        `peer ${p.peerId} to follow ${me}`,
        () => directConnection(this.#libp2p(), peerIdFromString(p.peerId), 'tcp') !== undefined,
      )
      for (;;) {
        if ((await p.request<string | null>({ op: 'leader' })) === me) break
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    if (this.writer.getSnapshot().leader !== me) throw new Error('the first peer does not lead')
  }

  #libp2p(): Libp2p {
    return (this.network as Network).libp2p as unknown as Libp2p
  }

  #connection(peer: ProcessPeer) {
    const conn = directConnection(this.#libp2p(), peerIdFromString(peer.peerId), 'tcp')
    if (!conn) throw new Error(`no direct tcp connection to ${peer.peerId}`)
    assertTransport(conn, 'tcp')
    return conn
  }

  /** Raw stream round trips (ms) from this process's peer to a child's, over their connection. */
  rawRtt(peer: ProcessPeer, samples: number, warmup: number): Promise<number[]> {
    return measureRtt(this.#connection(peer), { samples, warmup })
  }

  /** Raw fan-out round trips (ms) to every child at once, the first echo back counting. */
  rawFanOutRtt(samples: number, warmup: number): Promise<number[]> {
    return measureFanOutRtt(
      this.children.map((p) => this.#connection(p)),
      { samples, warmup },
    )
  }

  /** CPU time (ms) used so far by this process and every child. */
  async cpu(): Promise<number> {
    const { user, system } = process.cpuUsage()
    const children = await Promise.all(this.children.map((p) => p.request<number>({ op: 'cpu' })))
    return (user + system) / 1000 + children.reduce((a, b) => a + b, 0)
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.children.map((p) => p.stop()))
    await this.writer?.close().catch(() => {})
    await this.network?.stop().catch(() => {})
  }
}
