import { MosaikError } from '../../core/errors.js'

/**
 * Durable, per-namespace record storage under a replica (DESIGN.md "Persistence"). A journal
 * holds one checkpoint (replaced atomically) and the records appended after it; the groups
 * layer maps Raft's log, hard state and state-machine snapshots onto it
 * (groups/durable-storage.ts). Records are CBOR-encodable values, opaque here.
 *
 * Calls are synchronous, as `Storage`'s are: the file journal writes and fsyncs before it
 * returns; the IndexedDB journal queues one transaction per call and exposes `pending`, which
 * the driver awaits before anything that depends on the write leaves the process.
 */
export interface Journal {
  /** What the journal held when opened (the checkpoint and every record after it, in order). */
  readonly loaded: JournalContents
  /** Appends one record; durable when this returns (files) or when `pending` settles (IndexedDB). */
  append(record: unknown): void
  /** Replaces the checkpoint and drops every record before it, atomically. */
  checkpoint(state: unknown): void
  /** Bytes written since the last checkpoint (the caller's compaction trigger). */
  readonly tailBytes: number
  /** Records appended since the last checkpoint. */
  readonly tailRecords: number
  /** Writes not yet durable, or undefined when everything is. Rejects when a write failed. */
  readonly pending: Promise<void> | undefined
  /** The last write failure (quota exceeded, I/O error): the journal refuses further writes. */
  readonly failed: PersistError | undefined
  close(): void
}

export interface JournalContents {
  readonly checkpoint: unknown
  readonly records: readonly unknown[]
  /** Set when damaged data was set aside or cut out (what was acknowledged may be lost): why. */
  readonly reset?: string
}

/** Why a persisted store was refused or could not be written. */
export type PersistErrorKind = 'foreign' | 'corrupt' | 'io' | 'quota' | 'locked' | 'unsupported'

/** A persisted store that cannot be used: `kind` says why. */
export class PersistError extends MosaikError {
  readonly kind: PersistErrorKind
  constructor(kind: PersistErrorKind, message: string, options?: { cause?: unknown }) {
    super(`persist/${kind}`, message, options)
    this.name = 'PersistError'
    this.kind = kind
  }
}

/** What a journal store reports: repaired or refused data (also sent as `persist.*` telemetry). */
export type PersistReport =
  | { type: 'persist.recovered'; namespace: string; records: number; droppedBytes: number; detail: string }
  | { type: 'persist.refused'; namespace: string; kind: PersistErrorKind; detail: string }
  | { type: 'persist.failed'; namespace: string; kind: PersistErrorKind; detail: string }

/** The identity that owns a store: a journal opened under another network or namespace is refused. */
export interface JournalOwner {
  readonly network: string
  readonly namespace: string
}

/** Opens journals of one persisted network. */
export interface JournalStore {
  /** `namespace`: the group id hex. Throws `PersistError` when the store belongs to someone else. */
  open(namespace: string): Journal
  close(): Promise<void>
}
