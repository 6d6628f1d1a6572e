import type { PeerEntry } from '../network/types.js'

/**
 * Store labels: what a peer announces about each collection group it is in, so that peers
 * opening the same store id with different options (which silently gives another group)
 * can be told apart and warned about. One label is
 * `<store 16 hex>:<group 16 hex>:<type 8 hex>:<sync 8 hex>:<consensus 8 hex>`: prefixes
 * of the store id, the group id, the state-machine signature (it covers `typeName`), and
 * the sync and consensus digests. 60 characters; at most `MAX_STORE_LABELS` per entry.
 */
export const MAX_STORE_LABELS = 64

const LABEL = /^([0-9a-f]{16}):([0-9a-f]{16}):([0-9a-f]{8}):([0-9a-f]{8}):([0-9a-f]{8})$/

/** The options that enter a collection's group id and that a label can tell apart. */
export type LabelledOption = 'typeName' | 'sync' | 'consensus'

export interface StoreLabel {
  readonly store: string
  readonly group: string
  readonly typeName: string
  readonly sync: string
  readonly consensus: string
}

/** Formats a label from full hex ids and digests (prefixes are taken here). */
export function storeLabel(p: StoreLabel): string {
  return `${p.store.slice(0, 16)}:${p.group.slice(0, 16)}:${p.typeName.slice(0, 8)}:${p.sync.slice(0, 8)}:${p.consensus.slice(0, 8)}`
}

/** Parses a label; `undefined` for anything that is not exactly one. */
export function parseStoreLabel(label: unknown): StoreLabel | undefined {
  if (typeof label !== 'string') return undefined
  const m = LABEL.exec(label)
  if (!m) return undefined
  return {
    store: m[1] as string,
    group: m[2] as string,
    typeName: m[3] as string,
    sync: m[4] as string,
    consensus: m[5] as string,
  }
}

/** True when `v` is a bounded list of well-formed labels (what `verifyEntry` accepts). */
export function isStoreLabels(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= MAX_STORE_LABELS && v.every((l) => parseStoreLabel(l) !== undefined)
}

/** One store both peers are in, under different groups. */
export interface StoreMismatch {
  readonly remote: string
  /** Store id prefix (16 hex). */
  readonly store: string
  /** Group id prefixes (16 hex): ours and theirs. */
  readonly group: string
  readonly remoteGroup: string
  /** The options whose digests differ; empty when the difference is elsewhere (auth, key). */
  readonly differs: LabelledOption[]
}

/** Stores `remote` announces under another group than ours, and which options differ. */
export function storeMismatches(local: readonly string[], remote: PeerEntry): StoreMismatch[] {
  const theirs = (remote.stores ?? []).map(parseStoreLabel).filter((l): l is StoreLabel => l !== undefined)
  if (theirs.length === 0) return []
  const out: StoreMismatch[] = []
  for (const mine of local.map(parseStoreLabel)) {
    if (!mine) continue
    for (const other of theirs) {
      if (other.store !== mine.store || other.group === mine.group) continue
      // They are also in our group under this store (a reader and a writer …): no mismatch.
      if (theirs.some((t) => t.store === mine.store && t.group === mine.group)) continue
      const differs: LabelledOption[] = []
      if (other.typeName !== mine.typeName) differs.push('typeName')
      if (other.sync !== mine.sync) differs.push('sync')
      if (other.consensus !== mine.consensus) differs.push('consensus')
      out.push({ remote: remote.peerId, store: mine.store, group: mine.group, remoteGroup: other.group, differs })
    }
  }
  return out
}

/** A sentence for logs and devtools. */
export function describeMismatch(m: StoreMismatch): string {
  const what =
    m.differs.length > 0
      ? `its ${m.differs.join(', ')} option${m.differs.length > 1 ? 's differ' : ' differs'}`
      : 'an option outside typeName, sync and consensus differs (auth?)'
  return `peer ${m.remote.slice(-8)} opened store ${m.store} under another group (${m.remoteGroup} here ${m.group}): ${what}, so the two never share a value`
}
