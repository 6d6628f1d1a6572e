/**
 * Two Node peers through a local relay over WebRTC (no ICE servers), their cells opened 1 s
 * apart, the second peer's first WebRTC dial hanging (issue #16). Both peers dial as soon as
 * they learn of each other (`PeerDialer`); the second peer's id sorts below the first's, so it
 * is also the one whose group bond dials at once and joins its hung dial.
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { webSockets } from '@libp2p/websockets'
import { UniqueId } from '../../src/core/id.js'
import type { Network } from '../../src/network/network.js'
import { startRelay } from '../../src/node/relay.js'
import { type StartupOutcome, type StartupSetup, startupTrial } from '../collections/startup.js'
import { webRTCFirstDialHangs } from './hanging-webrtc.js'

export interface RelayOutcome extends StartupOutcome {
  /** WebRTC dials the second peer made (the first one hung). */
  readonly dials: number
}

/** A 32-byte seed whose peer id sorts below `than`. */
async function seedBelow(than: string): Promise<Uint8Array> {
  for (;;) {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const id = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString()
    if (id < than) return seed
  }
}

export async function relayTrial(gapMs = 1_000, trace?: StartupSetup['trace']): Promise<RelayOutcome> {
  const network = `startup-relay-${UniqueId.random().short()}`
  const relay = await startRelay({ network })
  const dials = { count: 0 }
  try {
    const outcome = await startupTrial({
      name: network,
      writers: 2,
      readers: 0,
      stallMs: 0,
      gapMs,
      ...(trace && { trace }),
      bootstrap: () => relay.addresses,
      network: async (i: number, started: readonly Network[]) => {
        // As the hung-dial test in relay-webrtc.test.ts: a hung WebRTC attempt (discovery's or a
        // bond's) is abandoned after 1.5 s; the default bound, 6 s, is longer than an election timeout.
        const dial = { attemptTimeoutMs: 1_500, backoffMs: 100 }
        const discovery = { dial }
        if (i === 0) return { transport: 'node', listen: ['/p2p-circuit', '/webrtc'], discovery, dial }
        return {
          discovery,
          dial,
          secretKey: await seedBelow((started[0] as Network).peerId),
          transport: {
            transports: [webSockets(), webRTCFirstDialHangs(dials), circuitRelayTransport()],
            addresses: { listen: ['/p2p-circuit', '/webrtc'] },
            connectionGater: { denyDialMultiaddr: () => false },
          },
        }
      },
    })
    return { ...outcome, dials: dials.count }
  } finally {
    await relay.stop()
  }
}
