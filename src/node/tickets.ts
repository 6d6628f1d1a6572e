import type { IncomingMessage, ServerResponse } from 'node:http'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '../core/id.js'
import { Expiration } from '../tickets/expiration.js'
import { JwtTicketBuilder } from '../tickets/jwt/builder.js'
import { Hs256, type SigningKey } from '../tickets/jwt/keys.js'

/** How a backend signs tickets: a signing key, or an HS256 secret (32+ bytes or hex). */
export type TicketKey = { readonly key: SigningKey } | { readonly secret: Uint8Array | string }

export type IssueJwtTicketOptions = TicketKey & {
  readonly issuer: string
  readonly audience?: string
  /** The peer the ticket is for (its `sub`). */
  readonly peerId: PeerId
  /** Lifetime, ms. */
  readonly ttl: number
  /** Extra private claims (a role, a tenant). */
  readonly claims?: Readonly<Record<string, unknown>>
}

function builderOf(o: TicketKey & { issuer: string; audience?: string; claims?: Readonly<Record<string, unknown>> }) {
  let b = new JwtTicketBuilder('key' in o ? o.key : Hs256.fromSecret(o.secret)).issuer(o.issuer)
  if (o.audience !== undefined) b = b.audience(o.audience)
  for (const [name, value] of Object.entries(o.claims ?? {})) b = b.claim(name, value)
  return b
}

/**
 * Signs a JWT ticket for `peerId`, valid `ttl` ms: what an app's backend hands a browser
 * for `NetworkProvider`'s `auth` (which attaches it to the peer's discovery entry).
 * Throws `TypeError` for a string that is not a libp2p peer id.
 */
export async function issueJwtTicket(options: IssueJwtTicketOptions): Promise<{ token: string; expires: Date }> {
  peerIdFromString(options.peerId)
  const expires = new Date(Math.floor((Date.now() + options.ttl) / 1000) * 1000)
  const token = await builderOf(options).token(options.peerId, Expiration.at(expires))
  return { token, expires }
}

export type JwtTicketHandlerOptions = TicketKey & {
  readonly issuer: string
  readonly audience?: string
  /** Lifetime of each ticket, ms. */
  readonly ttl: number
  /**
   * Decides who gets a ticket (your session check): resolve with the claims to add (`{}`
   * for none), or `false` to refuse (403). Required: an endpoint that signs for anyone
   * grants nothing.
   */
  readonly authorize: (
    request: IncomingMessage,
    peerId: PeerId,
  ) => Promise<Readonly<Record<string, unknown>> | false> | Readonly<Record<string, unknown>> | false
}

/**
 * A tiny `node:http` handler for a ticket endpoint: `GET …?peer=<peer id>` answers the JWT
 * as `text/plain` (what `auth={async (p) => (await fetch('/ticket?peer=' + p)).text()}`
 * expects); 400 for a missing or invalid peer id, 403 when `authorize` refuses, 405 for
 * other methods.
 *
 * ```ts
 * createServer(jwtTicketHandler({ secret, issuer: 'my-app', ttl: 3_600_000, authorize: (req) => sessionOf(req) ? {} : false }))
 * ```
 */
export function jwtTicketHandler(
  options: JwtTicketHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const base = builderOf(options)
  return async (req, res) => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      res.end(body)
    }
    try {
      if (req.method !== 'GET') return reply(405, 'GET only')
      const peer = new URL(req.url ?? '/', 'http://localhost').searchParams.get('peer') ?? ''
      try {
        if (peer.length > 128) throw new TypeError('too long')
        peerIdFromString(peer)
      } catch {
        return reply(400, 'a valid ?peer=<peer id> is required')
      }
      const claims = await options.authorize(req, peer)
      if (claims === false) return reply(403, 'not authorized')
      let b = base
      for (const [name, value] of Object.entries(claims)) b = b.claim(name, value)
      const expires = Math.floor((Date.now() + options.ttl) / 1000) * 1000
      reply(200, await b.token(peer, Expiration.at(expires)))
    } catch (err) {
      console.error('mosaik-react: the ticket endpoint failed', err)
      if (!res.headersSent) reply(500, 'ticket endpoint error')
    }
  }
}
