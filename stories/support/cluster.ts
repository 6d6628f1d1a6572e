/**
 * In-page nodes for the stories: each node is a real `Network` (memory transport by
 * default) that bootstraps from a running node. A devtools store is attached to every
 * node as soon as it exists, so no telemetry is missed, and every node is stopped when
 * the story unmounts.
 */
import type { PeerId as Libp2pPeerId } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { useEffect, useState, useSyncExternalStore } from 'react'
import { createDevtoolsStore, type DevtoolsStore } from '../../src/devtools/store.js'
import { Network, type NetworkOptions } from '../../src/network/index.js'

export interface DemoNode {
  /** 1, 2, 3 … in order of creation. */
  readonly n: number
  readonly net: Network
  readonly role: 'writer' | 'reader'
  readonly stopped: boolean
}

export interface ClusterOptions {
  /** A network name; a random suffix keeps story remounts apart on the shared memory transport. */
  name: string
  /** Use `name` as it is (peers in other tabs must share it). */
  fixedName?: boolean
  transport?: NetworkOptions['transport']
  bootstrap?: string[]
  /**
   * Memory transport with a connection gater, so that `isolate`/`split`/`heal` can cut and
   * restore links between in-page nodes (a network partition without real sockets).
   */
  partitionable?: boolean
}

export class DemoCluster {
  readonly network: string
  readonly store: DevtoolsStore = createDevtoolsStore()
  readonly #options: ClusterOptions
  readonly #listeners = new Set<() => void>()
  readonly #detach = new Map<Network, () => void>()
  #nodes: readonly DemoNode[] = []
  #closed = false
  #counter = 0
  /** Partition side per peer id; peers on different sides cannot connect. Absent = side 0. */
  readonly #sides = new Map<string, number>()
  #sideCounter = 0

  constructor(options: ClusterOptions) {
    this.#options = options
    this.network = options.fixedName ? options.name : `${options.name}-${Math.random().toString(36).slice(2, 8)}`
  }

  get nodes(): readonly DemoNode[] {
    return this.#nodes
  }

  get running(): DemoNode[] {
    return this.#nodes.filter((n) => !n.stopped)
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  getSnapshot = (): readonly DemoNode[] => this.#nodes

  #set(nodes: readonly DemoNode[]): void {
    this.#nodes = nodes
    for (const l of this.#listeners) l()
  }

  /** Starts one node that bootstraps from the running ones (or the configured bootstrap). */
  async add(role: DemoNode['role'] = 'writer'): Promise<DemoNode | undefined> {
    const n = ++this.#counter
    const bootstrap = this.#options.bootstrap ?? this.running.slice(0, 2).flatMap((x) => x.net.addresses().slice(0, 1))
    const self: { id?: string } = {}
    const net = await Network.create({
      network: this.network,
      transport: this.#options.partitionable ? this.#gatedMemory(self) : (this.#options.transport ?? 'memory'),
      // Loopback only: the playground works offline and contacts no STUN server.
      iceServers: [],
      bootstrap,
    })
    self.id = net.peerId
    if (this.#closed) {
      await net.stop()
      return undefined
    }
    this.#detach.set(net, this.store.attach(net))
    const node: DemoNode = { n, net, role, stopped: false }
    this.#set([...this.#nodes, node].sort((a, b) => a.n - b.n))
    return node
  }

  /** Starts `count` nodes one after the other (each bootstraps from the ones before). */
  async addMany(count: number, role: (i: number) => DemoNode['role'] = () => 'writer'): Promise<void> {
    for (let i = 0; i < count && !this.#closed; i++) await this.add(role(i))
  }

  async stop(node: DemoNode): Promise<void> {
    if (node.stopped) return
    this.#set(this.#nodes.map((x) => (x === node ? { ...x, stopped: true } : x)))
    await node.net.stop()
    // Keep listening a moment so the stop itself shows up in the devtools.
    setTimeout(() => this.#detach.get(node.net)?.(), 1000)
  }

  /** True when `a` and `b` are on different sides of the current partition. */
  cut(a: string, b: string): boolean {
    return (this.#sides.get(a) ?? 0) !== (this.#sides.get(b) ?? 0)
  }

  /** Side of the partition `node` is on (0 = the main one). */
  side(node: DemoNode): number {
    return this.#sides.get(node.net.peerId) ?? 0
  }

  /** `self.id` is filled in with the node's peer id once `Network.create` returns. */
  #gatedMemory(self: { id?: string }): NonNullable<NetworkOptions['transport']> {
    const deny = (peer: Libp2pPeerId) => self.id !== undefined && this.cut(self.id, peer.toString())
    const listen = `/memory/${Math.random().toString(16).slice(2)}${Math.random().toString(16).slice(2)}`
    return {
      transports: [memory()],
      addresses: { listen: [listen] },
      connectionGater: {
        denyDialPeer: deny,
        denyInboundEncryptedConnection: deny,
        denyOutboundEncryptedConnection: deny,
      },
    }
  }

  /** Moves `nodes` to a side of their own and drops their connections across the cut. */
  async isolate(nodes: readonly DemoNode[]): Promise<void> {
    const side = ++this.#sideCounter
    for (const n of nodes) this.#sides.set(n.net.peerId, side)
    await this.#dropCut()
    this.#set([...this.#nodes])
  }

  /** Puts every node back on one side and reconnects them. */
  async heal(): Promise<void> {
    this.#sides.clear()
    this.#set([...this.#nodes])
    const running = this.running
    await Promise.all(
      running.flatMap((a) =>
        running
          .filter((b) => a.n < b.n && a.net.libp2p.getConnections(b.net.libp2p.peerId).length === 0)
          .map((b) => a.net.dial(b.net.addresses()).catch(() => {})),
      ),
    )
  }

  async #dropCut(): Promise<void> {
    await Promise.all(
      this.running.flatMap((n) =>
        n.net.libp2p
          .getConnections()
          .filter((c) => this.cut(n.net.peerId, c.remotePeer.toString()))
          .map((c) => c.close().catch(() => c.abort(new Error('partitioned')))),
      ),
    )
  }

  /** Stops every node (story unmount). */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.all(this.#nodes.map((n) => n.net.stop().catch(() => {})))
    for (const d of this.#detach.values()) d()
    this.#detach.clear()
  }
}

const NO_NODES: readonly DemoNode[] = []
const noop = () => () => {}

/**
 * A cluster for the lifetime of a component: `init` runs once it exists (start nodes
 * there); everything is stopped on unmount (StrictMode's double mount makes a fresh one).
 * `key` the component to rebuild it.
 */
export function useCluster(options: ClusterOptions, init: (c: DemoCluster) => Promise<void> | void) {
  const [cluster, setCluster] = useState<DemoCluster>()
  const [error, setError] = useState<string>()
  // biome-ignore lint/correctness/useExhaustiveDependencies: one cluster per mount
  useEffect(() => {
    const c = new DemoCluster(options)
    setCluster(c)
    Promise.resolve(init(c)).catch((e: unknown) => setError(String((e as Error)?.stack ?? e)))
    return () => {
      void c.close()
    }
  }, [])
  const nodes = useSyncExternalStore(
    cluster?.subscribe ?? noop,
    cluster?.getSnapshot ?? (() => NO_NODES),
    cluster?.getSnapshot ?? (() => NO_NODES),
  )
  return { cluster, nodes, error }
}
