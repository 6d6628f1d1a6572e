import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'

/** Whether `libp2p` holds an open connection to `peer` (`direct`: not a relayed, data-capped one). */
export function connectedTo(libp2p: Pick<Libp2p, 'getConnections'>, peer: string, direct = false): boolean {
  try {
    const conns = libp2p.getConnections(peerIdFromString(peer))
    return conns.some((c) => c.status === 'open' && !(direct && c.limits))
  } catch {
    return false
  }
}
