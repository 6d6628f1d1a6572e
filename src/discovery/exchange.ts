import type { RejectReason } from '../core/errors.js'
import { TimeoutError } from '../core/errors.js'
import type { PeerId } from '../core/id.js'
import { boundedSignal } from '../network/retry.js'
import type { Channel, NetworkServices } from '../network/types.js'

/**
 * The catalog protocol's one message. `push` asks for no reply: an announce (ours, or others'
 * forwarded, see flood.ts) or a departure notice; `hops` is how many more times a push's
 * entries may be forwarded (unsigned: a receiver caps it at `MAX_HOPS`).
 */
export interface CatalogMessage {
  readonly type: 'catalog'
  readonly entries: Uint8Array[]
  readonly push?: boolean
  readonly hops?: number
}

/** Entries verified between two turns of the event loop. */
const INGEST_SLICE = 16
/**
 * Largest catalog message, and all a peer may send on one catalog channel (the exchange has
 * no handshake, so the whole channel counts as pre-auth: at most 2 open per peer).
 * 1,024 entries of about 1 KiB fit.
 */
export const CATALOG_MAX_BYTES = 2 * 1024 * 1024
// One exchange and one announce push per connection at a time are the rule (`#running`, the
// flood's one push in flight per peer); a third allows a departure push.
const CATALOG_CHANNEL = { maxFrameSize: CATALOG_MAX_BYTES, preAuthBytes: CATALOG_MAX_BYTES, maxPreAuthChannels: 3 }

/** What the exchange needs from discovery. */
export interface ExchangeHooks {
  /** Wire bytes of every entry we know of (other peers'). */
  entries(): Uint8Array[]
  /** Our own entry, freshly signed. */
  self(): Promise<Uint8Array>
  /** `hops`: what a push said is left (undefined for an exchange). */
  ingest(bytes: Uint8Array, remote: PeerId, protocol: string, hops?: number): Promise<void>
  /** How many of `n` pushed entries `remote` may still send now (its rate budget); the rest are dropped. */
  admitPush(remote: PeerId, n: number): number
  /** Counts a refused input (the channel reports its own telemetry). */
  count(reason: RejectReason): void
  /**
   * When set, a peer's catalog is ingested before ours is served, and ours is served only
   * if this says yes (a relay that requires tickets serves only peers it admitted).
   */
  mayServe?(remote: PeerId): boolean
}

interface ExchangeLimits {
  readonly maxCatalogEntries: number
  readonly exchangeTimeoutMs: number
}

/**
 * Full catalog exchange on `/mosaik/<net>/catalog/1`, run once per new outbound connection:
 * the dialer sends `{ type: 'catalog', entries }` (its own entry first, then every entry
 * it knows, signed bytes as received), the listener answers the same way, and both close.
 * Entries are forwarded verbatim, so a relay hands on what it learnt but cannot forge it.
 * Runs over limited (relayed) connections: it is how peers behind a relay find each other.
 */
export class CatalogExchange {
  readonly protocol: string
  readonly #host: NetworkServices
  readonly #limits: ExchangeLimits
  readonly #hooks: ExchangeHooks
  readonly #running = new Map<PeerId, Promise<boolean>>()
  readonly #again = new Map<PeerId, Promise<boolean>>()

  constructor(host: NetworkServices, limits: ExchangeLimits, hooks: ExchangeHooks) {
    this.#host = host
    this.#limits = limits
    this.#hooks = hooks
    this.protocol = host.protocol('catalog')
  }

  start(): void {
    this.#host.handle('catalog', (ch) => void this.#serve(ch), { allowLimited: true, ...CATALOG_CHANNEL })
  }

  stop(): void {
    if (!this.#host.stopped) this.#host.unhandle('catalog')
  }

  /**
   * Swaps catalogs with `peer` in the background, one run at a time per peer. The returned
   * promise settles with the outcome of a run that starts after this call (true: the peer's
   * catalog arrived and was ingested), never rejects. A call while a run is under way waits for
   * it and then runs once more (shared by every such call): the run under way may have signed
   * our entry before the change the caller wants the peer to see.
   */
  exchangeWith(peer: PeerId): Promise<boolean> {
    const running = this.#running.get(peer)
    if (!running) return this.#start(peer)
    let again = this.#again.get(peer)
    if (!again) {
      again = running.then(() => this.#start(peer))
      this.#again.set(peer, again)
    }
    return again
  }

  #start(peer: PeerId): Promise<boolean> {
    this.#again.delete(peer)
    if (this.#host.stopped) return Promise.resolve(false)
    const run: Promise<boolean> = this.#run(peer, false)
      .catch(() => false) // The peer went away or does not answer; announces and the next connection retry.
      .finally(() => {
        if (this.#running.get(peer) === run) this.#running.delete(peer)
      })
    this.#running.set(peer, run)
    return run
  }

  /**
   * Sends `bytes` (a departure notice) to each connected peer of `peers`, which may forward it
   * `hops` more times, without waiting for replies.
   */
  async pushTo(peers: PeerId[], bytes: Uint8Array, hops?: number): Promise<void> {
    const connected = new Set(this.#host.connectedPeers())
    peers = peers.filter((p) => connected.has(p))
    await Promise.allSettled(peers.map((p) => this.#run(p, true, [bytes], hops)))
  }

  /** Pushes `entries` (announces) to `peer`, which may forward them `hops` more times; no reply. */
  async push(peer: PeerId, entries: Uint8Array[], hops: number): Promise<void> {
    await this.#run(peer, true, entries, hops)
  }

  /** True when the peer's catalog came back and was ingested. */
  async #run(peer: PeerId, push: boolean, only?: Uint8Array[], hops?: number): Promise<boolean> {
    const bound = boundedSignal(this.#limits.exchangeTimeoutMs * 2, `catalog exchange with ${peer}`)
    const ch = await this.#host
      .openChannel(peer, 'catalog', {
        allowLimited: true,
        ...CATALOG_CHANNEL,
        retry: { attempts: push ? 1 : 2, attemptTimeoutMs: this.#limits.exchangeTimeoutMs },
        signal: bound.signal,
      })
      .finally(() => bound.dispose())
    try {
      const entries = only ?? fitting([await this.#hooks.self(), ...this.#hooks.entries()])
      const msg: CatalogMessage = { type: 'catalog', entries, ...(push && { push: true }), ...(hops && { hops }) }
      ch.send(msg)
      if (push) return true
      const reply = await this.#receive(ch)
      if (!reply) return false
      await this.#ingestAll(reply, ch)
      return true
    } finally {
      ch.close()
    }
  }

  async #serve(ch: Channel): Promise<void> {
    try {
      const msg = await this.#receive(ch)
      if (!msg) return
      if (msg.push) return await this.#ingestPush(msg, ch)
      const mayServe = this.#hooks.mayServe
      if (mayServe) {
        // A relay that requires tickets answers only after it has checked the sender's entry.
        await this.#ingestAll(msg, ch)
        if (mayServe(ch.remotePeer))
          ch.send({ type: 'catalog', entries: fitting([await this.#hooks.self(), ...this.#hooks.entries()]) })
        return
      }
      // The sender's own entry (first) is ingested before we answer: a peer (a relay) that two
      // members exchange with at about the same time then tells at least one of them about the
      // other (see groups/standing.ts). The rest can wait.
      const [first, ...rest] = msg.entries
      if (first) await this.#hooks.ingest(first, ch.remotePeer, this.protocol)
      ch.send({ type: 'catalog', entries: fitting([await this.#hooks.self(), ...this.#hooks.entries()]) })
      let n = 0
      for (const bytes of rest) {
        // Verifying signatures is the one costly step: give the event loop a turn between slices.
        if (++n % INGEST_SLICE === 0) await new Promise((r) => setTimeout(r, 0))
        await this.#hooks.ingest(bytes, ch.remotePeer, this.protocol)
      }
    } catch (err) {
      // A peer that opens a catalog channel and stays silent is refused and counted.
      if (err instanceof TimeoutError) {
        this.#hooks.count('timeout')
        ch.reject('timeout', err.message)
      }
    } finally {
      ch.close()
    }
  }

  /** A push (announces, forwards, a departure): within the sender's rate budget, the rest dropped and counted. */
  async #ingestPush(msg: CatalogMessage, ch: Channel): Promise<void> {
    const allowed = this.#hooks.admitPush(ch.remotePeer, msg.entries.length)
    for (let i = allowed; i < msg.entries.length; i++) this.#hooks.count('rate-limited')
    const hops = typeof msg.hops === 'number' && Number.isInteger(msg.hops) && msg.hops > 0 ? msg.hops : 0
    await this.#ingestAll({ ...msg, entries: msg.entries.slice(0, allowed) }, ch, hops)
  }

  async #ingestAll(msg: CatalogMessage, ch: Channel, hops?: number): Promise<void> {
    let i = 0
    for (const bytes of msg.entries) {
      // Verifying signatures is the one costly step: give the event loop a turn between slices.
      if (++i % INGEST_SLICE === 0) await new Promise((r) => setTimeout(r, 0))
      await this.#hooks.ingest(bytes, ch.remotePeer, this.protocol, hops)
    }
  }

  /** The peer's first message, validated; undefined (and the channel rejected) if it is bad. */
  #receive(ch: Channel): Promise<CatalogMessage | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        done()
        reject(new TimeoutError(`a catalog from ${ch.remotePeer}`, this.#limits.exchangeTimeoutMs))
      }, this.#limits.exchangeTimeoutMs)
      const done = () => {
        clearTimeout(timer)
        offMessage()
        offClose()
      }
      const offMessage = ch.onMessage((m) => {
        done()
        const problem = this.#check(m)
        if (problem) {
          this.#hooks.count('malformed')
          ch.reject('malformed', problem)
          resolve(undefined)
        } else resolve(m as CatalogMessage)
      })
      const offClose = ch.onClose(() => {
        done()
        resolve(undefined)
      })
    })
  }

  #check(m: unknown): string | undefined {
    if (typeof m !== 'object' || m === null || (m as CatalogMessage).type !== 'catalog') return 'not a catalog message'
    const { entries } = m as CatalogMessage
    if (!Array.isArray(entries)) return 'catalog without entries'
    if (entries.length > this.#limits.maxCatalogEntries) return `catalog of ${entries.length} entries`
    return undefined
  }
}

/** The entries (ours first) that fit in one catalog message; the rest travel by announce pushes. */
function fitting(entries: Uint8Array[]): Uint8Array[] {
  let bytes = 1024
  const out: Uint8Array[] = []
  for (const e of entries) {
    bytes += e.length + 8
    if (bytes > CATALOG_MAX_BYTES) break
    out.push(e)
  }
  return out
}
