import {
  generateKeyPair,
  generateKeyPairFromSeed,
  privateKeyFromProtobuf,
  privateKeyFromRaw,
} from '@libp2p/crypto/keys'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import type { Libp2pOptions } from 'libp2p'
import { defaultPreset, type TransportOption, transportConfig } from './transports.js'

/** The libp2p services every mosaik network runs. */
export interface MosaikServices {
  identify: Identify
  pubsub: GossipSub
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
 * The libp2p options of a network: the transport preset (or the caller's options, merged
 * over ours), noise + yamux, identify and gossipsub. Caller services are added to ours.
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
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...custom,
    privateKey,
    addresses: { ...base.addresses, ...custom.addresses, listen },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        fallbackToFloodsub: false,
        // Browsers behind one NAT, a LAN, or every test on 127.0.0.1 share an IP; gossipsub's
        // IP-colocation penalty would graylist them once more than ten met a relay.
        scoreParams: { IPColocationFactorWeight: 0 },
        // Announces are at most 16 KiB each (discovery/entry.ts): a gossip RPC beyond this is
        // skipped before it is decoded, and a peer that stops reading gossip is not buffered for.
        maxInboundDataLength: 256 * 1024,
        maxOutboundBufferSize: 4 * 1024 * 1024,
      }),
      ...custom.services,
    },
  } as Libp2pOptions<MosaikServices>
}
