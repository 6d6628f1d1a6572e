import type { RejectReason } from '../core/errors.js'
import type { PeerId } from '../core/id.js'
import type { PeerEntry } from '../network/types.js'
import { loadTicketCheck, type TicketCheck } from '../tickets/check.js'
import type { DiscoveryConfig, DiscoveryHost } from './config.js'
import { type SignedEntry, type VerifyResult, verifyEntry } from './entry.js'
import { describeMismatch, storeMismatches } from './store-labels.js'

type AdmissionConfig = Pick<DiscoveryConfig, 'maxEntryBytes' | 'maxDriftMs' | 'requireTicket'>

/**
 * Whether a peer's entry counts: the checks every entry passes before it is believed (size,
 * shape, network, freshness, signature; then `requireTicket`), and the counters and
 * `input.rejected` telemetry of those refused. Also reports, once each, store labels that
 * disagree with ours (the same store id opened with other options).
 */
export class EntryAdmission {
  readonly #host: DiscoveryHost
  readonly #config: AdmissionConfig
  readonly #rejected = new Map<RejectReason, number>()
  /** Checks `requireTicket` with cached results (none configured: undefined, nothing loaded). */
  readonly #checkTickets: TicketCheck | undefined
  /** Mismatches already reported (bounded), so each is told once. */
  readonly #mismatches = new Set<string>()

  constructor(host: DiscoveryHost, config: AdmissionConfig) {
    this.#host = host
    this.#config = config
    this.#checkTickets = config.requireTicket.length > 0 ? loadTicketCheck() : undefined
  }

  verify(bytes: Uint8Array): Promise<VerifyResult> {
    const c = this.#config
    return verifyEntry(bytes, {
      network: this.#host.id.toString(),
      maxBytes: c.maxEntryBytes,
      now: Date.now(),
      // Freshness against our clock only refuses old replays; purging uses when we heard it.
      maxAgeMs: c.maxDriftMs,
      maxDriftMs: c.maxDriftMs,
    })
  }

  /** `requireTicket`: why a verified entry is not admitted, or undefined when it is (departures always are). */
  async ticketRefusal(signed: SignedEntry): Promise<string | undefined> {
    if (!this.#checkTickets || signed.leaving || signed.entry.peerId === this.#host.peerId) return undefined
    const { entry } = signed
    const r = await this.#checkTickets(entry.peerId, entry.tickets, this.#config.requireTicket)
    return r.ok ? undefined : `${r.reason}: ${r.detail}`
  }

  rejected(): Readonly<Partial<Record<RejectReason, number>>> {
    return Object.fromEntries(this.#rejected)
  }

  count(reason: RejectReason): void {
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1)
  }

  reject(reason: RejectReason, detail: string, remote: PeerId | undefined, protocol: string): void {
    this.count(reason)
    this.#host.emitTelemetry({
      type: 'input.rejected',
      at: performance.now(),
      peer: this.#host.peerId,
      remote,
      protocol,
      reason,
      detail,
    })
  }

  /** Reports (once each, as telemetry and a console warning) stores `entry` has under another group than ours. */
  checkStores(ours: ReadonlyMap<string, string>, entry: PeerEntry): void {
    if (ours.size === 0 || !entry.stores?.length) return
    for (const m of storeMismatches([...ours.values()], entry)) {
      const key = `${m.remote}|${m.store}|${m.group}|${m.remoteGroup}`
      if (this.#mismatches.has(key)) continue
      if (this.#mismatches.size >= 1_024) this.#mismatches.delete(this.#mismatches.values().next().value as string)
      this.#mismatches.add(key)
      const detail = describeMismatch(m)
      console.warn(`mosaik-react: ${detail}`)
      this.#host.emitTelemetry({
        type: 'discovery.mismatch',
        at: performance.now(),
        peer: this.#host.peerId,
        remote: m.remote,
        store: m.store,
        group: m.group,
        remoteGroup: m.remoteGroup,
        differs: m.differs,
        detail,
      })
    }
  }
}
