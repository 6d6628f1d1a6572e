import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadKey } from '../libp2p.js'
import { type PersistError, PersistError as PersistErrorClass, type PersistReport } from './journal.js'
import { nodeBuiltins } from './node-builtins.js'
import { checkOwner, type OpenedRoot, type PersistRoot } from './persistence.js'

/** What `Network.create` gets back: the identity to run as, and the store when this process may use it. */
export interface OpenedPersistence {
  readonly key: PrivateKey
  /** The store; undefined when another process or tab holds it (see `refused`). */
  readonly root: PersistRoot | undefined
  /** Why the store is not used by this network (it then runs in memory with a fresh identity). */
  readonly refused: PersistError | undefined
}

/**
 * Opens the persisted store of a network (`NetworkOptions.persist`): files in Node, IndexedDB
 * in browsers. The identity key is read from the store, or generated and stored there, unless
 * the app passes `secretKey`. A store held by another process or tab is not shared: this
 * network runs in memory with a fresh identity and `refused` says why (two live copies of one
 * member would break Raft's one-vote-per-term); with a `secretKey` it throws
 * `PersistError('locked')` instead. A store of another network or peer throws
 * `PersistError('foreign')`.
 */
export async function openPersistence(
  options: { network: string; name: string; persist: true | string; secretKey: Uint8Array | undefined },
  report: (r: PersistReport) => void,
): Promise<OpenedPersistence> {
  // Each backend is loaded on use, so a browser never ships the file store and Node never the IndexedDB one.
  const node = nodeBuiltins()
  const rootOptions = { network: options.network, name: options.name, persist: options.persist, report }
  let opened: OpenedRoot
  if (node) {
    try {
      opened = (await import('./node-root.js')).openNodeRoot(node, rootOptions)
    } catch (cause) {
      throw new PersistErrorClass('io', `cannot open the persist directory: ${(cause as Error).message}`, { cause })
    }
  } else if (typeof indexedDB !== 'undefined') opened = await (await import('./idb-root.js')).openIdbRoot(rootOptions)
  else
    opened = {
      ok: false,
      error: new PersistErrorClass('unsupported', 'no file system and no IndexedDB here: running in memory'),
    }
  if (!opened.ok) {
    // Only a store someone else holds, or none at all here, leaves this network in memory.
    if (opened.error.kind !== 'locked' && opened.error.kind !== 'unsupported') throw opened.error
    // A fixed identity cannot step aside to a fresh one: two live copies of one member.
    if (opened.error.kind === 'locked' && options.secretKey)
      throw new PersistErrorClass('locked', `${opened.error.message}, and \`secretKey\` fixes this member's identity`)
    return { key: await loadKey(options.secretKey), root: undefined, refused: opened.error }
  }
  const root = opened.root
  try {
    const key = options.secretKey
      ? await loadKey(options.secretKey)
      : await loadKey(root.identity).catch((cause: unknown) => {
          throw new PersistErrorClass('corrupt', `the identity key in ${root.where} cannot be read`, { cause })
        })
    const peer = peerIdFromPrivateKey(key).toString()
    checkOwner(root, options.network, peer)
    if (!options.secretKey && !root.identity) await root.saveIdentity(privateKeyToProtobuf(key))
    if (!root.owner) await root.saveOwner({ network: options.network, peer })
    return { key, root, refused: undefined }
  } catch (err) {
    await root.close()
    throw err
  }
}
