// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's cell
/**
 * NetworkProvider's `tickets` and `auth`, and how the hooks surface `unauthorized`, over a
 * real network on the memory transport, in StrictMode.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defineCell } from '../../src/collections/index.js'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'
import { type CellWriterState, NetworkProvider, useCellWriter } from '../../src/react/index.js'
import { Expiration, ticketId } from '../../src/tickets/index.js'
import { builder, validator, writeValidator } from '../collections/auth-helpers.js'
import { Strict } from './helpers/render.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }
const WAIT = { timeout: 10_000 }
let net: Network

beforeAll(async () => {
  net = await Network.create({ network: `react-tickets-${UniqueId.random().short()}`, transport: 'memory' })
})
afterEach(() => cleanup())
afterAll(() => net?.stop())

describe('NetworkProvider tickets', () => {
  it('attaches `tickets` while mounted and removes them on unmount', async () => {
    const ticket = await builder.build(net.peerId)
    const view = render(
      <Strict>
        <NetworkProvider network={net} tickets={[ticket]}>
          <p>in</p>
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() =>
      expect(net.discovery.tickets().map((t) => ticketId(t).toString())).toEqual([ticketId(ticket).toString()]),
    )
    view.unmount()
    expect(net.discovery.tickets()).toEqual([])
  })

  it('calls `auth` with the peer id, attaches the JWT, and refreshes it before it expires', async () => {
    const calls: string[] = []
    const auth = async (peerId: string) => {
      calls.push(peerId)
      // JWT expiry has whole seconds: this one lives 2 to 3 s; the refresher renews it before.
      return builder.token(peerId, Expiration.in(3_000))
    }
    const view = render(
      <Strict>
        <NetworkProvider network={net} auth={auth}>
          <p>in</p>
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() => expect(net.discovery.tickets()).toHaveLength(1), WAIT)
    const first = ticketId(net.discovery.tickets()[0]!).toString()
    expect(calls.every((p) => p === net.peerId)).toBe(true)
    const before = calls.length
    await waitFor(() => expect(calls.length).toBeGreaterThan(before), WAIT)
    await waitFor(() => expect(ticketId(net.discovery.tickets()[0]!).toString()).not.toBe(first), WAIT)
    // The refreshed ticket is valid and the old one is gone.
    expect(net.discovery.tickets()).toHaveLength(1)
    await expect(validator.validate(net.discovery.tickets()[0]!.data, net.peerId)).resolves.toMatchObject({
      kind: 'at',
    })
    view.unmount()
    expect(net.discovery.tickets()).toEqual([])
  })
})

describe('hooks and unauthorized writes', () => {
  it('a writer hook without write tickets reports the refused write as `unauthorized`', async () => {
    const Doc = defineCell<number>(UniqueId.random().toString(), {
      auth: [validator],
      writeAuth: [writeValidator],
      consensus: FAST,
    })
    const ticket = await builder.build(net.peerId)
    let state: CellWriterState<number> | undefined
    function Writer() {
      state = useCellWriter(Doc)
      return <p>{state.error?.kind ?? 'no error'}</p>
    }
    render(
      <Strict>
        <NetworkProvider network={net} tickets={[ticket]}>
          <Writer />
        </NetworkProvider>
      </Strict>,
    )
    let refused: unknown
    await act(async () => {
      await (state as CellWriterState<number>).write(1).catch((e: unknown) => {
        refused = e
      })
    })
    expect(refused).toMatchObject({ name: 'CellError', kind: 'unauthorized' })
    await waitFor(() => expect(screen.getByText('unauthorized')).toBeTruthy(), WAIT)
  })
})
