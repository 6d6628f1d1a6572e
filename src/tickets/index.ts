/**
 * Tickets (mosaik's `tickets` module): opaque, typed credentials a peer attaches to its
 * signed discovery entry, and validators that decide what they grant. Groups and cells
 * that `requireTicket` bond only with peers whose entry holds a valid ticket for every
 * validator, and drop the bond when it expires or is removed. JWTs come built in (`jose`).
 *
 * | piece | what it is |
 * | --- | --- |
 * | `Ticket { class, data }` | the credential; `ticketId(t) = class.derive(data)` |
 * | `Expiration` | `never()` / `in(ms)` / `at(date)`: when a grant ends |
 * | `TicketValidator` | `class`, `signature()` (enters the group id), `validate(data, peer)` |
 * | `Jwt`, `JwtTicketBuilder` | HS256/384/512, ES256/384, EdDSA |
 *
 * ```ts
 * const key = Hs256.fromSecret(secretHex)
 * const validator = Jwt.withKey(key).allowIssuer('my-app')
 * network.discovery.addTicket(await new JwtTicketBuilder(key).issuer('my-app').build(network.peerId))
 * const cell = Cell.writer(network, 'app.doc', { auth: [validator] })
 * ```
 */
export { type Authorization, authorizePeer, TicketCache } from './authorize.js'
export { Expiration } from './expiration.js'
export * from './jwt/index.js'
export {
  createTicket,
  decodeTicket,
  encodeTicket,
  MAX_TICKET_BYTES,
  MAX_TICKETS_PER_ENTRY,
  type Ticket,
  type TicketClass,
  ticketId,
  ticketsWithinBounds,
} from './ticket.js'
export { InvalidTicket, type InvalidTicketReason, type TicketValidator } from './validator.js'
