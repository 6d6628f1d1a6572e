// @vitest-environment happy-dom
/** The devtools peer table shows what `useNetworkStatus()` shows: an unreachable relay is `offline` with its reason. */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Cell } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import { PeerTable } from '../../src/devtools/components/peer-table.js'
import { StoreWarnings } from '../../src/devtools/components/store-warnings.js'
import { createDevtoolsStore } from '../../src/devtools/store.js'
import { allKnowEachOther, Nets, until } from '../network/helpers.js'

const nets = new Nets()
afterEach(async () => {
  cleanup()
  await nets.stopAll()
})

describe('devtools network status', () => {
  it('shows offline and the unreachable relay for a node whose relay is down, online once a peer connects', async () => {
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const relay = `/memory/nobody-devtools/p2p/${nobody}`
    const net = await nets.create({ network: 'devtools-status', bootstrap: [relay] })
    const store = createDevtoolsStore({ flushInterval: 0 })
    render(
      <StrictMode>
        <PeerTable store={store} networks={[net]} />
      </StrictMode>,
    )
    const state = () => screen.getByTestId('mosaik-peer-row').querySelector('[data-status]') as HTMLElement
    await net.status.waitFor((s) => s.status === 'offline', 'the relay to be reported unreachable', 10_000)
    act(() => store.flush())
    await waitFor(() => expect(state().dataset.status).toBe('offline'))
    expect(screen.getByTestId('mosaik-peer-reason').textContent).toContain(`relay ${relay}: unreachable`)

    await nets.create({ network: 'devtools-status', bootstrap: net.addresses() })
    await net.status.waitFor((s) => s.status === 'online', 'a peer to connect', 10_000)
    act(() => store.flush())
    await waitFor(() => expect(state().dataset.status).toBe('online'))
    expect(screen.queryByTestId('mosaik-peer-reason')).toBeNull()
  })
})

describe('devtools store warnings', () => {
  it('warns when a peer opened the same store with another typeName, naming it', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const a = await nets.create({ network: 'devtools-mismatch' })
    const b = await nets.create({ network: 'devtools-mismatch', bootstrap: a.addresses() })
    await until([a, b], 'the peers to discover each other', () => allKnowEachOther([a, b]))
    const store = createDevtoolsStore({ flushInterval: 0 })
    render(
      <StrictMode>
        <StoreWarnings store={store} networks={[a]} />
      </StrictMode>,
    )
    expect(screen.queryByTestId('mosaik-store-warnings')).toBeNull()
    const seen = new Promise<void>((resolve) => {
      const off = a.onTelemetry((e) => {
        if (e.type !== 'discovery.mismatch') return
        off()
        resolve()
      })
    })
    const cells = [
      Cell.writer<number>(a, 'shared', { typeName: 'A' }),
      Cell.writer<number>(b, 'shared', { typeName: 'B' }),
    ]
    try {
      await withTimeout(seen, 10_000, 'a discovery.mismatch event')
      act(() => store.flush())
      const warning = await screen.findByTestId('mosaik-store-warning')
      expect(warning.dataset.differs).toBe('typeName')
      expect(warning.textContent).toMatch(/typeName differs between peers/)
    } finally {
      vi.restoreAllMocks()
      await Promise.all(cells.map((c) => c.close()))
    }
  })
})
