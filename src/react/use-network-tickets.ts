import { useEffect, useRef } from 'react'
import type { AuthFunction, TicketRefresher } from '../discovery/ticket-refresh.js'
import type { Network } from '../network/network.js'
import { type Ticket, ticketId } from '../tickets/ticket.js'

/**
 * Attaches `tickets` to the network's discovery entry while mounted, and runs a
 * `TicketRefresher` for `auth` (fetch, attach, refresh before expiry). Only lifecycle: the
 * refreshing itself is `TicketRefresher`'s.
 */
export function useNetworkTickets(
  network: Network | undefined,
  tickets: readonly Ticket[] | undefined,
  auth: AuthFunction | undefined,
  onAuthError: ((error: unknown) => void) | undefined,
): void {
  const authRef = useRef(auth)
  const errorRef = useRef(onAuthError)
  useEffect(() => {
    authRef.current = auth
    errorRef.current = onAuthError
  })
  const ticketsKey = tickets?.map((t) => ticketId(t).toString()).join(',') ?? ''
  const held = useRef(tickets)
  held.current = tickets
  useEffect(() => {
    const list = held.current
    if (!network || !list || list.length === 0 || ticketsKey === '') return
    for (const t of list) network.discovery.addTicket(t)
    return () => {
      for (const t of list) network.discovery.removeTicket(ticketId(t))
    }
  }, [network, ticketsKey])
  const hasAuth = auth !== undefined
  useEffect(() => {
    if (!network || !hasAuth) return
    let refresher: TicketRefresher | undefined
    let unmounted = false
    // Loaded on use: an app without `auth` never ships the refresher or the JWT decoding.
    void import('../discovery/ticket-refresh.js').then(({ TicketRefresher }) => {
      if (unmounted) return
      refresher = new TicketRefresher(
        network.discovery,
        network.peerId,
        (peer, signal) => (authRef.current as AuthFunction)(peer, signal),
        { onError: (e) => (errorRef.current ?? reportAuthError)(e) },
      )
      void refresher.start()
    }, reportAuthError)
    return () => {
      unmounted = true
      refresher?.stop()
    }
  }, [network, hasAuth])
}

function reportAuthError(error: unknown): void {
  console.error('mosaik-react: the auth function failed (retrying)', error)
}
