// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { StreamTable } from '../../src/devtools/components/stream-table.js'
import { reduceBatch } from '../../src/devtools/reduce.js'
import { DEFAULT_LIMITS, EMPTY_STATE } from '../../src/devtools/state.js'
import { createDevtoolsStore } from '../../src/devtools/store.js'

afterEach(cleanup)

const S = 'ab'.repeat(32)
const A = '12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const B = '12D3KooWBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'

const events: TelemetryEvent[] = [
  { type: 'network.started', at: 0, network: 'n', peer: A, addresses: [] },
  { type: 'stream.opened', at: 1, peer: A, stream: S, role: 'producer' },
  { type: 'stream.opened', at: 1, peer: B, stream: S, role: 'consumer' },
  { type: 'stream.link', at: 2, peer: A, stream: S, role: 'producer', remote: B, up: true },
  { type: 'stream.link', at: 2, peer: B, stream: S, role: 'consumer', remote: A, up: true },
  {
    type: 'stream.stats',
    at: 1000,
    peer: A,
    stream: S,
    role: 'producer',
    links: 1,
    datums: 10,
    bytes: 100,
    dropped: 0,
    refused: 0,
    lag: 0,
  },
  {
    type: 'stream.stats',
    at: 2000,
    peer: A,
    stream: S,
    role: 'producer',
    links: 1,
    datums: 30,
    bytes: 300,
    dropped: 4,
    refused: 0,
    lag: 7,
  },
  { type: 'stream.refused', at: 2100, peer: A, stream: S, role: 'producer', remote: B, reason: 'no-capacity' },
]

describe('devtools: streams', () => {
  it('folds stream telemetry into producers, consumers, links, rates and drops', () => {
    const { state } = reduceBatch(EMPTY_STATE, events, DEFAULT_LIMITS, 0)
    const s = state.streams[S]!
    expect(Object.keys(s.producers)).toEqual([A])
    expect(Object.keys(s.consumers)).toEqual([B])
    expect(s.producers[A]).toMatchObject({ datums: 30, dropped: 4, lag: 7, rate: 20, links: { [B]: true } })
    expect(s.consumers[B]!.links).toEqual({ [A]: true })
    expect(state.events.some((e) => e.text.includes('refused') && e.text.includes('no-capacity'))).toBe(true)
    // Unrelated events keep the streams' identity (selectors do not re-render).
    const next = reduceBatch(state, [{ type: 'peer.connected', at: 3000, peer: A, remote: B }], DEFAULT_LIMITS, 10)
    expect(next.state.streams).toBe(state.streams)
    // A consumer that closes and a network that stops leave the table.
    const closed = reduceBatch(
      state,
      [
        { type: 'stream.closed', at: 3000, peer: B, stream: S, role: 'consumer' },
        { type: 'network.stopped', at: 3001, network: 'n', peer: A },
      ],
      DEFAULT_LIMITS,
      10,
    )
    expect(closed.state.streams[S]).toBeUndefined()
  })

  it('<StreamTable> shows one row per producer and consumer with rate and drops', () => {
    const store = createDevtoolsStore({ flushInterval: 0 })
    const source = {
      onTelemetry: (l: (e: TelemetryEvent) => void) => {
        for (const e of events) l(e)
        return () => {}
      },
    }
    render(
      <StrictMode>
        <StreamTable store={store} networks={[source as never]} />
      </StrictMode>,
    )
    act(() => store.flush())
    const rows = screen.getAllByTestId('mosaik-stream-row')
    expect(rows.map((r) => `${r.dataset.role}:${r.dataset.peer}`)).toEqual([`producer:${A}`, `consumer:${B}`])
    const producer = rows[0]!
    expect(producer.querySelector('[data-rate]')?.getAttribute('data-rate')).toBe('20.0')
    expect(producer.querySelector('[data-dropped]')?.getAttribute('data-dropped')).toBe('4')
  })
})
