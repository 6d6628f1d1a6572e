/** Shared setup of the ticket tests: a JWT key, issuers, and waits on tickets and refusals. */
import type { CellReader } from '../../src/collections/index.js'
import type { PeerId } from '../../src/core/id.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import type { Group } from '../../src/groups/types.js'
import type { Network } from '../../src/network/network.js'
import { Expiration, Hs256, Jwt, JwtTicketBuilder } from '../../src/tickets/index.js'
import { until } from '../network/helpers.js'

export const SECRET = '87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568'
export const ISSUER = 'mosaik-react-tests'
export const key = Hs256.fromSecret(SECRET)
export const builder = new JwtTicketBuilder(key).issuer(ISSUER)
export const validator = Jwt.withKey(key).allowIssuer(ISSUER)
/** Write tickets: the same key, another audience. */
export const writeBuilder = builder.audience('write')
export const writeValidator = Jwt.withKey(key).allowIssuer(ISSUER).allowAudience('write')

/** Adds a member ticket (valid an hour, or until `expires`) to each network. */
export async function grant(nets: Network[], expires: Expiration = Expiration.in(3_600_000)): Promise<void> {
  for (const n of nets) n.discovery.addTicket(await builder.build(n.peerId, expires))
}

/** Waits until every network's catalog shows each other network's current number of tickets. */
export async function ticketsSeen(nets: Network[]): Promise<void> {
  await until(
    nets,
    'every network to see the others’ tickets',
    () =>
      nets.every((n) =>
        nets.every(
          (m) => m === n || n.discovery.catalog().get(m.peerId)?.tickets.length === m.discovery.tickets().length,
        ),
      ),
    10_000,
  )
}

/** The group behind a cell handle (protected on the handle). */
export function groupOf(cell: CellReader<unknown>): Group<unknown> {
  return (cell as unknown as { group: Group<unknown> }).group
}

type Refused = Extract<TelemetryEvent, { type: 'group.refused' }>

/** Resolves with the first `group.refused` that `by` reports about `remote` (matching `reason` if given). */
export function refusal(by: Network, remote: PeerId, reason?: string, timeoutMs = 10_000): Promise<Refused> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${by.peerId.slice(-6)} to refuse ${remote.slice(-6)} (${reason ?? 'any reason'})`,
          ),
        ),
      timeoutMs,
    )
    const off = by.onTelemetry((e) => {
      if (e.type !== 'group.refused' || e.peer !== by.peerId || e.remote !== remote) return
      if (reason !== undefined && e.reason !== reason) return
      clearTimeout(timer)
      off()
      resolve(e)
    })
  })
}
