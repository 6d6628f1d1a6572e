import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { decode, encode, encodeCanonical } from '../core/codec.js'
import type { RejectReason } from '../core/errors.js'
import type { PeerEntry } from '../network/types.js'
import { MAX_TICKETS_PER_ENTRY, ticketsWithinBounds } from '../tickets/ticket.js'
import { isStoreLabels } from './store-labels.js'

/**
 * Signed peer entries: the unit discovery pushes and exchanges.
 *
 * Wire form: `cbor({ v: 1, body, sig })` where `body` is the canonical CBOR of the entry
 * (plus `leaving` for a departure notice) and `sig` is the Ed25519 signature of
 * `DOMAIN || body` by the key behind `entry.peerId`. Receivers verify against the public
 * key inlined in the peer id, so relays can forward entries they could not forge.
 */

const DOMAIN = new TextEncoder().encode('mosaik-react/peer-entry/1\0')

/** Largest wire entry accepted by default (bytes). */
export const DEFAULT_MAX_ENTRY_BYTES = 16 * 1024

/** A verified entry, with the exact bytes that carried it (forwarded as they are). */
export interface SignedEntry {
  readonly entry: PeerEntry
  /** True for a graceful departure notice: the peer is gone. */
  readonly leaving: boolean
  readonly bytes: Uint8Array
}

export type VerifyResult =
  | ({ readonly ok: true } & SignedEntry)
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string }

export interface VerifyPolicy {
  /** Network id hex the entry must name. */
  readonly network: string
  readonly maxBytes: number
  /** Wall-clock now (ms since epoch). */
  readonly now: number
  /** Entries not updated for this long are stale. */
  readonly maxAgeMs: number
  /** Entries dated further in the future than this are refused. */
  readonly maxDriftMs: number
}

/** Signs `entry` with the peer's libp2p key; returns the wire bytes. */
export async function signEntry(key: PrivateKey, entry: PeerEntry, leaving = false): Promise<Uint8Array> {
  const body = encodeCanonical(toBody(entry, leaving))
  const sig = await key.sign(concat(DOMAIN, body))
  return encode({ v: 1, body, sig })
}

/**
 * Decodes and verifies wire bytes. Never throws: anything wrong comes back as a reject
 * reason (`oversized`, `malformed`, `bad-signature` for unsigned or forged entries,
 * `wrong-network`, `stale`).
 */
export async function verifyEntry(bytes: Uint8Array, policy: VerifyPolicy): Promise<VerifyResult> {
  if (!(bytes instanceof Uint8Array)) return fail('malformed', 'entry is not a byte string')
  if (bytes.length > policy.maxBytes) return fail('oversized', `entry of ${bytes.length} bytes > ${policy.maxBytes}`)
  let outer: unknown
  try {
    outer = decode(bytes)
  } catch {
    return fail('malformed', 'entry is not CBOR')
  }
  if (!isRecord(outer) || !(outer.body instanceof Uint8Array)) return fail('malformed', 'entry has no body')
  if (!(outer.sig instanceof Uint8Array) || outer.sig.length === 0) return fail('bad-signature', 'unsigned entry')
  let raw: unknown
  try {
    raw = decode(outer.body)
  } catch {
    return fail('malformed', 'entry body is not CBOR')
  }
  const parsed = parseBody(raw)
  if (!parsed) return fail('malformed', 'entry body has the wrong shape')
  const { entry, leaving } = parsed
  if (!ticketsWithinBounds(entry.tickets))
    return fail(
      'oversized',
      `entry carries ${entry.tickets.length} tickets (at most ${MAX_TICKETS_PER_ENTRY}, each bounded)`,
    )
  let key: { verify(data: Uint8Array, sig: Uint8Array): boolean | Promise<boolean> } | undefined
  try {
    key = peerIdFromString(entry.peerId).publicKey
  } catch {
    return fail('malformed', `bad peer id ${entry.peerId}`)
  }
  if (!key) return fail('bad-signature', `peer id ${entry.peerId} carries no public key`)
  // Cheap checks first: a signature is verified only for an entry that could be used.
  if (entry.network !== policy.network) return fail('wrong-network', `entry of network ${entry.network.slice(0, 10)}`)
  if (entry.updatedAt < policy.now - policy.maxAgeMs)
    return fail('stale', `entry ${policy.now - entry.updatedAt} ms old`)
  if (entry.updatedAt > policy.now + policy.maxDriftMs) return fail('stale', 'entry dated in the future')
  let valid = false
  try {
    valid = await key.verify(concat(DOMAIN, outer.body), outer.sig)
  } catch {
    valid = false
  }
  if (!valid) return fail('bad-signature', `signature does not match ${entry.peerId}`)
  return { ok: true, entry, leaving, bytes }
}

/** Orders versions: by start time (a restart wins), then by update time. */
export function compareVersions(a: PeerEntry, b: PeerEntry): number {
  return a.startedAt - b.startedAt || a.updatedAt - b.updatedAt
}

/** True when two entries differ in anything but their version. */
export function contentChanged(a: PeerEntry, b: PeerEntry): boolean {
  return (
    !sameList(a.addresses, b.addresses) ||
    !sameList(a.tags, b.tags) ||
    !sameList(a.groups, b.groups) ||
    !sameList(a.streams ?? [], b.streams ?? []) ||
    !sameList(a.stores ?? [], b.stores ?? []) ||
    a.tickets.length !== b.tickets.length ||
    a.tickets.some((t, i) => !sameBytes(t, b.tickets[i]))
  )
}

function toBody(e: PeerEntry, leaving: boolean): Record<string, unknown> {
  return {
    peerId: e.peerId,
    network: e.network,
    addresses: [...e.addresses],
    tags: [...e.tags].sort(),
    groups: [...e.groups].sort(),
    // Only when there are some, so entries of peers without streams sign the same bytes as before.
    ...(e.streams && e.streams.length > 0 && { streams: [...e.streams].sort() }),
    // Only when there are some, so entries without stores keep their exact bytes.
    ...(e.stores && e.stores.length > 0 && { stores: [...e.stores].sort() }),
    tickets: [...e.tickets],
    startedAt: e.startedAt,
    updatedAt: e.updatedAt,
    leaving,
  }
}

function parseBody(raw: unknown): { entry: PeerEntry; leaving: boolean } | undefined {
  if (!isRecord(raw)) return undefined
  const { peerId, network, addresses, tags, groups, streams, stores, tickets, startedAt, updatedAt, leaving } = raw
  if (typeof peerId !== 'string' || typeof network !== 'string') return undefined
  if (!isStrings(addresses) || !isStrings(tags) || !isStrings(groups)) return undefined
  if (streams !== undefined && !isStreamIds(streams)) return undefined
  if (!Array.isArray(tickets) || !tickets.every((t) => t instanceof Uint8Array)) return undefined
  if (stores !== undefined && !isStoreLabels(stores)) return undefined
  if (!Number.isFinite(startedAt) || !Number.isFinite(updatedAt) || typeof leaving !== 'boolean') return undefined
  const entry: PeerEntry = {
    peerId,
    network,
    addresses,
    tags,
    groups,
    ...(streams !== undefined && { streams }),
    ...(stores !== undefined && { stores }),
    tickets,
    startedAt: startedAt as number,
    updatedAt: updatedAt as number,
  }
  return { entry, leaving }
}

function fail(reason: RejectReason, detail: string): VerifyResult {
  return { ok: false, reason, detail }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= 256 && v.every((s) => typeof s === 'string' && s.length <= 1024)
}

/** Most stream ids one entry may announce. */
export const MAX_STREAMS_PER_ENTRY = 64

function isStreamIds(v: unknown): v is string[] {
  return (
    Array.isArray(v) &&
    v.length <= MAX_STREAMS_PER_ENTRY &&
    v.every((s) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s))
  )
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
