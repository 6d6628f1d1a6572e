import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'

/**
 * Which addresses learnt from peers (their signed entries) we dial. A peer chooses the
 * addresses in its entry, so without a policy a browser could be made to dial anything on
 * its LAN or its own machine. With `dialPrivate: false` (the browser preset's default):
 * - direct addresses on loopback, private, link-local or shared (CGNAT) ranges, `localhost`
 *   and `*.local` names are refused;
 * - a relayed address (`…/p2p/<relay>/p2p-circuit/…`) is allowed when we already hold a
 *   connection to that relay (a relay we were configured with or dialed ourselves), whatever
 *   its address: that is how browsers on one machine meet through a local relay.
 * Bootstrap addresses are dialed by `Network.dial`, never through this policy.
 */
export interface AddressPolicy {
  readonly dialPrivate: boolean
  /** True when we hold an open connection to this relay peer. */
  readonly connectedTo: (peer: string) => boolean
}

/** True when `addr` may be dialed under `policy`. */
export function mayDial(addr: Multiaddr, policy: AddressPolicy): boolean {
  if (policy.dialPrivate) return true
  const text = addr.toString()
  const circuit = text.indexOf('/p2p-circuit')
  if (circuit >= 0) {
    const relay = /\/p2p\/([^/]+)\/p2p-circuit/.exec(text)?.[1]
    return relay !== undefined && policy.connectedTo(relay)
  }
  return !isPrivateAddress(text)
}

/** The addresses of `addresses` (text, from a peer's entry) that parse and may be dialed under `policy`. */
export function dialable(addresses: readonly string[], policy: AddressPolicy): Multiaddr[] {
  return addresses.flatMap((a) => {
    try {
      const ma = multiaddr(a)
      return mayDial(ma, policy) ? [ma] : []
    } catch {
      return []
    }
  })
}

/** Loopback, private, link-local, CGNAT or unspecified IPs, and local host names. */
export function isPrivateAddress(addr: string): boolean {
  const ip4 = /\/ip4\/(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(addr)
  if (ip4) {
    const [a, b] = [Number(ip4[1]), Number(ip4[2])]
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    )
  }
  const ip6 = /\/ip6\/([^/]+)/.exec(addr)?.[1]?.toLowerCase()
  if (ip6 !== undefined) {
    return (
      ip6 === '::' ||
      ip6 === '::1' ||
      /^f[cd][0-9a-f]{0,2}:/.test(ip6) ||
      /^fe[89ab][0-9a-f]?:/.test(ip6) ||
      ip6.startsWith('::ffff:')
    )
  }
  const dns = /\/dns[46]?\/([^/]+)/.exec(addr)?.[1]?.toLowerCase()
  if (dns !== undefined) return dns === 'localhost' || dns.endsWith('.localhost') || dns.endsWith('.local')
  return false
}
