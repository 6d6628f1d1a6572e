/**
 * Cost of ticket validation per bond (issue #11): `npx tsx bench/tickets.ts`.
 *
 * A bond handshake checks the peer's entry with `authorizePeer`; the first check of a ticket
 * verifies its JWT (uncached), later checks of the same ticket (discovery updates, expiry
 * re-checks, redials) hit the `TicketCache` (cached). Prints µs per validation.
 */

import type { SigningKey, VerifyingKey } from '../src/tickets/index.js'
import {
  authorizePeer,
  EdDsa,
  Es256,
  Expiration,
  encodeTicket,
  Hs256,
  Jwt,
  JwtTicketBuilder,
  TicketCache,
} from '../src/tickets/index.js'

const PEER = '12D3KooWBenchPeerAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i) // warm-up
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  return ((performance.now() - t0) * 1000) / n
}

async function row(name: string, signing: SigningKey, verifying: VerifyingKey): Promise<string> {
  const validator = Jwt.withKey(verifying).allowIssuer('bench')
  const builder = new JwtTicketBuilder(signing).issuer('bench')
  const tickets = [encodeTicket(await builder.build(PEER, Expiration.in(3_600_000)))]
  const uncached = await time(300, () => authorizePeer(PEER, tickets, [validator], new TicketCache()))
  const cache = new TicketCache()
  const cached = await time(20_000, () => authorizePeer(PEER, tickets, [validator], cache))
  const sign = await time(300, () => builder.token(PEER))
  return `| ${name.padEnd(6)} | ${uncached.toFixed(1).padStart(9)} | ${cached.toFixed(2).padStart(7)} | ${sign.toFixed(1).padStart(8)} |`
}

const hs = Hs256.fromSecret('87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568')
const es = await Es256.generate()
const ed = await EdDsa.generate()
console.log('| alg    | uncached µs | cached µs | issue µs |')
console.log('| ------ | --------- | ------- | -------- |')
console.log(await row('HS256', hs, hs))
console.log(await row('ES256', es.signing, es.verifying))
console.log(await row('EdDSA', ed.signing, ed.verifying))
