// @vitest-environment happy-dom
/**
 * `useNetworkStatus()` over real networks on the memory transport, in StrictMode: what a
 * page shows while its network starts, when its relay is unreachable, once a peer
 * connects, and after the network stops.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'
import { NetworkProvider, useNetworkStatus } from '../../src/react/index.js'
import { Strict } from './helpers/render.js'

const WAIT = { timeout: 10_000 }
const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  cleanup()
  for (const s of stops.splice(0)) await s()
})

function StatusLine({ seen }: { seen?: string[] }) {
  const { status, peers, relays, reason } = useNetworkStatus()
  seen?.push(status)
  return (
    <p data-testid="status" title={reason}>
      {status} · {peers} peers · {relays} relays{reason ? ` · ${reason}` : ''}
    </p>
  )
}

describe('useNetworkStatus', () => {
  it('shows starting, then offline naming the unreachable relay, never online with 0 peers', async () => {
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const relay = `/memory/nobody-${UniqueId.random().short()}/p2p/${nobody}`
    const seen: string[] = []
    render(
      <Strict>
        <NetworkProvider options={{ network: 'status-page', transport: 'memory', bootstrap: [relay] }}>
          <StatusLine seen={seen} />
        </NetworkProvider>
      </Strict>,
    )
    expect(screen.getByTestId('status').textContent).toMatch(/^starting · 0 peers/)
    await waitFor(() => expect(screen.getByTestId('status').textContent).toMatch(/^offline · 0 peers · 0 relays/), WAIT)
    expect(screen.getByTestId('status').textContent).toContain(`relay ${relay}: unreachable`)
    expect(seen).not.toContain('online')
  })

  it('goes online with the peer count when a peer connects, and stopped when the network stops', async () => {
    const name = `status-adopt-${UniqueId.random().short()}`
    const a = await Network.create({ network: name, transport: 'memory' })
    stops.push(() => a.stop())
    render(
      <Strict>
        <NetworkProvider network={a}>
          <StatusLine />
        </NetworkProvider>
      </Strict>,
    )
    expect(screen.getByTestId('status').textContent).toMatch(/^offline · 0 peers · 0 relays · no peer connected/)
    const b = await Network.create({ network: name, transport: 'memory', bootstrap: a.addresses() })
    stops.push(() => b.stop())
    await waitFor(() => expect(screen.getByTestId('status').textContent).toMatch(/^online · 1 peers/), WAIT)
    await act(() => a.stop())
    expect(screen.getByTestId('status').textContent).toMatch(/^stopped · 0 peers/)
  })
})
