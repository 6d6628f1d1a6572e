import type { PersistReport } from './journal.js'
import { type JournalStore, PersistError } from './journal.js'

/**
 * What a persisted network keeps besides its groups' journals: who owns the store (network id
 * and peer id, both checked on open) and, when the app gave no `secretKey`, the identity key.
 */
export interface PersistRoot {
  /** Where it lives: a directory (Node) or an IndexedDB database name (browser). */
  readonly where: string
  /** The stored identity key (libp2p protobuf), if any. */
  readonly identity: Uint8Array | undefined
  /** The stored owner, if any. */
  readonly owner: { network: string; peer: string } | undefined
  saveIdentity(key: Uint8Array): Promise<void>
  saveOwner(owner: { network: string; peer: string }): Promise<void>
  readonly journals: JournalStore
  /** Closes the journals and releases the lock. */
  close(): Promise<void>
}

/** An opened root, or why the store could not be used by this process (another holds it). */
export type OpenedRoot = { ok: true; root: PersistRoot } | { ok: false; error: PersistError }

/** Options every backend gets. */
export interface RootOptions {
  /** Network id hex. */
  readonly network: string
  /** Network name as given (for the default place). */
  readonly name: string
  /** `NetworkOptions.persist`. */
  readonly persist: true | string
  readonly report: (r: PersistReport) => void
}

/** Checks the stored owner against this network and peer; throws `PersistError('foreign')` on a mismatch. */
export function checkOwner(root: PersistRoot, network: string, peer: string | undefined): void {
  const owner = root.owner
  if (!owner) return
  if (owner.network !== network)
    throw new PersistError(
      'foreign',
      `${root.where} holds network ${owner.network}, not ${network}: pass another \`persist\` place`,
    )
  if (peer !== undefined && owner.peer !== peer)
    throw new PersistError(
      'foreign',
      `${root.where} belongs to peer ${owner.peer}, not ${peer}: pass that peer's \`secretKey\` (or none, when the store keeps the identity), or another \`persist\` place`,
    )
}

/** A name safe as one path segment or database name suffix. */
export function safeName(name: string): string {
  return name.replace(/[^0-9a-zA-Z._-]/g, '_').slice(0, 128) || '_'
}
