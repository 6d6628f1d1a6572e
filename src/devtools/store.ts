/**
 * The devtools store: a vanilla zustand store (no React) fed by `network.onTelemetry`.
 *
 * Events are queued and folded in at most once per `flushInterval` (default 250 ms), so a
 * busy app (hundreds of commits a second) costs one state update and one render pass per
 * interval, not one per event. A store listens to a network only while something is
 * attached (`attach` is ref-counted: mounted components attach, unmounting detaches), and
 * all history lives in bounded buffers (`HistoryLimits`), so memory stays flat.
 *
 * ```ts
 * const store = createDevtoolsStore()
 * const detach = store.attach(network)          // starts listening
 * store.subscribe((s) => console.log(Object.keys(s.groups)))
 * detach()                                      // stops listening; state is kept
 * ```
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { PeerId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import { reduceBatch } from './reduce.js'
import { DEFAULT_LIMITS, type DevtoolsState, EMPTY_STATE, type HistoryLimits } from './state.js'

/** What the devtools need of a `Network`: its peer id and its telemetry feed. */
export interface TelemetrySource {
  readonly peerId: PeerId
  onTelemetry(listener: (event: TelemetryEvent) => void): () => void
  /**
   * When present, called once on attach with the store's listener: it should emit, as
   * telemetry, the current state of everything that already happened (`network.started`,
   * `group.joined` + `group.state` + up bonds of each group …), so devtools mounted after
   * the cells still know their store ids, roles and leaders.
   */
  replayTelemetry?(listener: (event: TelemetryEvent) => void): void
  /** When present, a node attached after it started is shown at once with these. */
  readonly id?: { toString(): string }
  addresses?(): string[]
  readonly stopped?: boolean
}

/** Timer functions, injectable so tests can flush deterministically. */
export interface FlushScheduler {
  set(callback: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export interface DevtoolsStoreOptions extends Partial<HistoryLimits> {
  /** Longest delay between an event and its appearance in the state, ms (default 250). 0 = synchronous. */
  flushInterval?: number
  scheduler?: FlushScheduler
}

export interface DevtoolsStore extends StoreApi<DevtoolsState> {
  /** Queues one event (flushed within `flushInterval`). */
  ingest(event: TelemetryEvent): void
  /** Folds every queued event into the state now. */
  flush(): void
  /** Listens to `source` until the returned function is called. Ref-counted per source; idempotent detach. */
  attach(source: TelemetrySource): () => void
  /** Sources currently listened to. */
  sources(): TelemetrySource[]
  /** Drops all state and queued events (attachments stay). */
  reset(): void
  /** Counters for tests and the cost measurement (`flushMs`: time spent folding events and notifying subscribers, which includes synchronous re-renders). */
  stats(): { ingested: number; flushes: number; queued: number; flushMs: number }
  readonly limits: Readonly<HistoryLimits>
}

const defaultScheduler: FlushScheduler = {
  set: (cb, ms) => setTimeout(cb, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export function createDevtoolsStore(options: DevtoolsStoreOptions = {}): DevtoolsStore {
  const { flushInterval = 250, scheduler = defaultScheduler, ...limitOverrides } = options
  const limits: HistoryLimits = { ...DEFAULT_LIMITS }
  for (const [k, v] of Object.entries(limitOverrides)) {
    if (typeof v === 'number') limits[k as keyof HistoryLimits] = v
  }
  Object.freeze(limits)

  const api = createStore<DevtoolsState>()(() => EMPTY_STATE)
  let queue: TelemetryEvent[] = []
  let timer: unknown
  let seq = 0
  let ingested = 0
  let flushes = 0
  let flushMs = 0
  const getNode = (peer: PeerId) => api.getState().nodes[peer] ?? queue.find((e) => e.peer === peer)
  const attachments = new Map<TelemetrySource, { count: number; off: () => void }>()

  const flush = (): void => {
    if (timer !== undefined) {
      scheduler.clear(timer)
      timer = undefined
    }
    if (queue.length === 0) return
    const batch = queue
    queue = []
    const t0 = performance.now()
    const next = reduceBatch(api.getState(), batch, limits, seq)
    seq = next.seq
    flushes += 1
    api.setState(next.state, true)
    flushMs += performance.now() - t0
  }

  const ingest = (event: TelemetryEvent): void => {
    ingested += 1
    queue.push(event)
    if (flushInterval <= 0) flush()
    else if (timer === undefined) timer = scheduler.set(flush, flushInterval)
  }

  const attach = (source: TelemetrySource): (() => void) => {
    const existing = attachments.get(source)
    if (existing) existing.count += 1
    else {
      attachments.set(source, { count: 1, off: source.onTelemetry(ingest) })
      source.replayTelemetry?.(ingest)
      // `network.started` was emitted before anyone could listen: show the node now.
      if (!getNode(source.peerId) && source.stopped !== true && source.id !== undefined) {
        ingest({
          type: 'network.started',
          at: performance.now(),
          peer: source.peerId,
          network: String(source.id),
          addresses: source.addresses?.() ?? [],
        })
      }
    }
    let attached = true
    return () => {
      if (!attached) return
      attached = false
      const a = attachments.get(source)
      if (!a) return
      a.count -= 1
      if (a.count > 0) return
      attachments.delete(source)
      a.off()
      if (attachments.size === 0) flush()
    }
  }

  return {
    ...api,
    ingest,
    flush,
    attach,
    sources: () => [...attachments.keys()],
    reset: () => {
      queue = []
      if (timer !== undefined) scheduler.clear(timer)
      timer = undefined
      api.setState(EMPTY_STATE, true)
    },
    stats: () => ({ ingested, flushes, queued: queue.length, flushMs }),
    limits,
  }
}

const registry = new WeakMap<TelemetrySource, DevtoolsStore>()

/**
 * The shared store of one network, created on first use. Components given only a
 * `network` use it, so several of them on one page share one history. Held weakly: it
 * goes away with the network.
 */
export function devtoolsStoreFor(source: TelemetrySource): DevtoolsStore {
  let store = registry.get(source)
  if (!store) {
    store = createDevtoolsStore()
    registry.set(source, store)
  }
  return store
}
