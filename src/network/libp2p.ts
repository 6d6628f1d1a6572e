import {
  generateKeyPair,
  generateKeyPairFromSeed,
  privateKeyFromProtobuf,
  privateKeyFromRaw,
} from '@libp2p/crypto/keys'
import { type Identify, identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'
import { type NoiseEncrypt, quietNoise } from './noise-decoder.js'
import { defaultPreset, type TransportOption, transportConfig } from './transports.js'
import { lazyWindowYamux } from './yamux-window.js'

/**
 * The libp2p services every mosaik network runs: identify (which protocols a peer speaks,
 * its addresses; circuit relay needs it too). Discovery's announces travel over its own
 * catalog protocol (src/discovery/flood.ts), not gossipsub.
 */
export interface MosaikServices {
  identify: Identify
  [name: string]: unknown
}

/**
 * The node's identity: a 32-byte Ed25519 seed, a 64-byte raw Ed25519 key, or a libp2p
 * protobuf-encoded private key; a fresh Ed25519 key when absent.
 */
export async function loadKey(secret: Uint8Array | undefined): Promise<PrivateKey> {
  if (!secret) return generateKeyPair('Ed25519')
  if (secret.length === 32) return generateKeyPairFromSeed('Ed25519', secret)
  if (secret.length === 64) return privateKeyFromRaw(secret)
  return privateKeyFromProtobuf(secret)
}

/**
 * The parts of `NetworkOptions` the libp2p node is built from. Named here rather than
 * imported, so that network.ts (which builds the node) and this file do not import each other.
 */
export interface NodeSettings {
  readonly transport?: TransportOption
  readonly listen?: string[]
  /** WebRTC's STUN/TURN servers (`NetworkOptions.iceServers`). */
  readonly iceServers?: readonly RTCIceServer[]
}

/**
 * How noise seals small messages: into slabs in Node (`noise-crypto.ts`, which loads the wasm
 * cipher of noise's Node build), noise's own way in browsers (`noise-crypto.browser.ts`).
 */
async function sealer(): Promise<(own: NoiseEncrypt) => NoiseEncrypt> {
  return (await import('./noise-crypto.js')).slabSealing
}

/**
 * The libp2p options of a network: the transport preset (or the caller's options, merged
 * over ours), noise + yamux and identify. Caller services are added to ours. Noise decodes
 * without an exception per chunk (`noise-decoder.ts`) and yamux sends window updates once half
 * a stream's window is used (`yamux-window.ts`): both upstream costs, measured in issue #15.
 */
export async function libp2pOptions(
  privateKey: PrivateKey,
  options: NodeSettings,
): Promise<Libp2pOptions<MosaikServices>> {
  const t = options.transport ?? defaultPreset()
  const base = typeof t === 'string' ? await transportConfig(t, options.listen, options.iceServers) : {}
  const custom: Libp2pOptions = typeof t === 'string' ? {} : t
  const listen = options.listen ?? custom.addresses?.listen ?? base.addresses?.listen ?? []
  return {
    ...base,
    connectionEncrypters: [quietNoise(undefined, await sealer())],
    streamMuxers: [lazyWindowYamux()],
    ...custom,
    privateKey,
    addresses: { ...base.addresses, ...custom.addresses, listen },
    services: {
      identify: identify(),
      ...custom.services,
    },
  } as Libp2pOptions<MosaikServices>
}
