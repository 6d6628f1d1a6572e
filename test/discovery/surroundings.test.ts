import { describe, expect, it } from 'vitest'
import { SurroundingsTracker } from '../../src/discovery/surroundings.js'

const G = 'aa'.repeat(32)

function tracker() {
  let now = 0
  const t = new SurroundingsTracker(() => now)
  let changes = 0
  t.onChange(() => changes++)
  return { t, tick: (ms: number) => (now += ms), changes: () => changes }
}

const stageOf = (t: SurroundingsTracker, peer: string) => t.surroundings(G).peers.find((p) => p.peer === peer)?.stage

describe('surroundings: what discovery heard from each connected peer, per group', () => {
  it('follows a peer from identifying to heard through an exchange started after the join', () => {
    const { t, tick, changes } = tracker()
    t.connected('p')
    expect(stageOf(t, 'p')).toBe('identifying')
    tick(40)
    expect(t.surroundings(G).peers[0]?.waitedMs).toBe(40)
    t.identified('p', true)
    const before = t.exchangeStarted('p')
    before(true)
    // Heard before the group was joined: its entry may predate the peer's own join.
    t.joined(G)
    expect(stageOf(t, 'p')).toBe('exchanging')
    const after = t.exchangeStarted('p')
    expect(stageOf(t, 'p')).toBe('exchanging')
    after(true)
    expect(stageOf(t, 'p')).toBe('heard')
    expect(changes()).toBeGreaterThanOrEqual(6)
  })

  it('reports a failed exchange as unheard and a peer without the protocol as foreign', () => {
    const { t } = tracker()
    t.joined(G)
    t.connected('p')
    t.connected('q')
    t.identified('p', true)
    t.identified('q', false)
    t.exchangeStarted('p')(false)
    expect(stageOf(t, 'p')).toBe('unheard')
    expect(stageOf(t, 'q')).toBe('foreign')
    t.disconnected('p')
    expect(stageOf(t, 'p')).toBeUndefined()
  })

  it('names the connected peers no exchange of ours since the join reached (a peer that dialed us later)', () => {
    const { t } = tracker()
    t.connected('early')
    t.identified('early', true)
    t.joined(G)
    t.exchangeStarted('early')(true)
    t.connected('late')
    t.identified('late', true)
    t.connected('foreign')
    t.identified('foreign', false)
    expect(t.unheard(G)).toEqual(['late'])
    t.exchangeStarted('late')
    expect(t.unheard(G)).toEqual([])
  })

  it('counts bootstrap dials until they settle', async () => {
    const { t } = tracker()
    let settle!: () => void
    t.dialing(new Promise<void>((r) => (settle = r)))
    t.dialing(Promise.reject(new Error('unreachable')))
    expect(t.surroundings(G).dialing).toBe(2)
    settle()
    await new Promise((r) => setTimeout(r, 0))
    expect(t.surroundings(G).dialing).toBe(0)
  })
})
