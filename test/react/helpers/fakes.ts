/**
 * Stand-ins for the hooks' unit tests: an in-memory "group" per store that commits writes
 * after a macrotask and tells every replica, a fake cell handle implementing the public
 * `CellWriter` type, a fake network with the bits the React layer touches, and `fakeCell`,
 * a `defineCell`-shaped definition opening fake handles. Integration tests use real networks.
 */
import type { CellReader, CellSnapshot, CellWriter, When } from '../../../src/collections/types.js'
import { CellError } from '../../../src/core/errors.js'
import { type PeerId, UniqueId, type Version } from '../../../src/core/id.js'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import { Emitter } from '../../../src/core/watch.js'
import type { Network } from '../../../src/network/network.js'
import type { CellDefLike } from '../../../src/react/types.js'

/** One replicated register shared by every fake replica of a store. */
export class FakeGroup<T> {
  value: T | undefined
  version = 0
  online = true
  leader: PeerId | undefined = 'leader-peer'
  readonly replicas = new Set<FakeCell<T>>()
  opened = 0
  closed = 0

  /** Commits after a macrotask, like a round trip; rejects `offline` when not online. */
  commit(apply: (current: T | undefined) => T | undefined, sent: T | undefined): Promise<Version> {
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        if (!this.online) return reject(new CellError('offline', 'no leader', sent))
        this.value = apply(this.value)
        this.version++
        for (const r of this.replicas) r.refresh()
        resolve(this.version)
      }, 0)
    })
  }

  /** A change made by "another peer": commits now and tells every replica. */
  remoteWrite(value: T | undefined): void {
    this.value = value
    this.version++
    for (const r of this.replicas) r.refresh()
  }

  setOnline(online: boolean, leader: PeerId | undefined = online ? 'leader-peer' : undefined): void {
    this.online = online
    this.leader = leader
    for (const r of this.replicas) r.refresh()
  }
}

export class FakeCell<T> implements CellWriter<T> {
  readonly storeId: UniqueId
  readonly groupId: UniqueId
  readonly when: When
  readonly #group: FakeGroup<T>
  readonly #listeners = new Set<() => void>()
  #snapshot: CellSnapshot<T>
  #closed = false

  constructor(storeId: UniqueId, group: FakeGroup<T>) {
    this.storeId = storeId
    this.groupId = storeId.derive('group')
    this.#group = group
    this.#snapshot = this.#build()
    group.replicas.add(this)
    group.opened++
    const waitFor = (check: () => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        if (check()) return resolve()
        const off = this.subscribe(() => {
          if (this.#closed) reject(new CellError('network-down', 'closed', undefined))
          else if (!check()) return
          else resolve()
          off()
        })
      })
    this.when = {
      online: () => waitFor(() => this.#snapshot.online),
      offline: () => waitFor(() => !this.#snapshot.online),
      updated: () => {
        const v = this.#snapshot.version
        return waitFor(() => this.#snapshot.version > v)
      },
      reaches: (version) => waitFor(() => this.#snapshot.version >= version),
      leaderElected: async () => {
        await waitFor(() => this.#snapshot.leader !== undefined)
        return this.#snapshot.leader as PeerId
      },
      leaderChanged: async () => this.#snapshot.leader,
      reverted: () => new Promise<Version>(() => {}),
    }
  }

  #build(): CellSnapshot<T> {
    const g = this.#group
    return Object.freeze({
      value: g.value,
      version: g.version,
      online: !this.#closed && g.online,
      leader: this.#closed ? undefined : g.leader,
      role: 'follower' as const,
    })
  }

  refresh(): void {
    const next = this.#build()
    const s = this.#snapshot
    if (
      Object.is(s.value, next.value) &&
      s.version === next.version &&
      s.online === next.online &&
      s.leader === next.leader
    ) {
      return
    }
    this.#snapshot = next
    for (const l of [...this.#listeners]) l()
  }

  get closed(): boolean {
    return this.#closed
  }
  read(): T | undefined {
    return this.#snapshot.value
  }
  get(): T | undefined {
    return this.read()
  }
  isEmpty(): boolean {
    return this.read() === undefined
  }
  isNone(): boolean {
    return this.isEmpty()
  }
  isSome(): boolean {
    return !this.isEmpty()
  }
  version(): Version {
    return this.#snapshot.version
  }
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }
  getSnapshot(): CellSnapshot<T> {
    return this.#snapshot
  }
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#group.replicas.delete(this)
    this.#group.closed++
    this.refresh()
  }
  #guard(value: unknown): void {
    if (this.#closed) throw new CellError('network-down', 'closed', value)
  }
  write(value: T): Promise<Version> {
    try {
      this.#guard(value)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#group.commit(() => value, value)
  }
  set(value: T): Promise<Version> {
    return this.write(value)
  }
  compareExchange(current: T | undefined, next: T | undefined): Promise<Version> {
    return this.#group.commit((v) => (JSON.stringify(v) === JSON.stringify(current) ? next : v), next)
  }
  clear(): Promise<Version> {
    return this.#group.commit(() => undefined, undefined)
  }
}

/** A `defineCell`-shaped definition that opens fake handles on one shared `FakeGroup`. */
export function fakeCell<T>(name = `fake-${UniqueId.random().short()}`): CellDefLike<T> & { group: FakeGroup<T> } {
  const storeId = UniqueId.from(name)
  const group = new FakeGroup<T>()
  const open = (): FakeCell<T> => new FakeCell<T>(storeId, group)
  return {
    storeId,
    options: undefined,
    group,
    writer: open,
    reader: (): CellReader<T> => open(),
  }
}

/** The parts of `Network` the React layer uses. */
export class FakeNetwork {
  readonly peerId = `peer-${UniqueId.random().short()}`
  readonly id = UniqueId.from('fake-net')
  readonly #services = new Map<string, { stop(): unknown }>()
  readonly #telemetry = new Emitter<TelemetryEvent>()
  #stopped = false
  stopCalls = 0

  get stopped(): boolean {
    return this.#stopped
  }
  service<S extends { stop(): unknown }>(key: string, create: () => S): S {
    if (this.#stopped) throw new Error('network is stopped')
    let s = this.#services.get(key)
    if (!s) {
      s = create()
      this.#services.set(key, s)
    }
    return s as S
  }
  onTelemetry(listener: (e: TelemetryEvent) => void): () => void {
    return this.#telemetry.on(listener)
  }
  async stop(): Promise<void> {
    this.stopCalls++
    if (this.#stopped) return
    this.#stopped = true
    for (const s of [...this.#services.values()].reverse()) await s.stop()
    this.#services.clear()
  }
}

export function fakeNetwork(): FakeNetwork & Network {
  return new FakeNetwork() as FakeNetwork & Network
}
