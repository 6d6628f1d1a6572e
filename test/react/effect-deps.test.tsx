// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over the cell of their test
/**
 * Hook results in effect dependencies, as the exhaustive-deps lint rule writes them: the
 * writer state object keeps its identity while nothing the component reads changed, and a
 * committed write of an equal value keeps the value's identity, so
 * `useEffect(() => { w.write(x) }, [w])` settles instead of looping. Real network
 * (memory transport), StrictMode. Counts renders and writes; every wait is bounded.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { useEffect } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Cell, defineCell } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'
import { NetworkProvider, useCellWriter } from '../../src/react/index.js'
import { Strict } from './helpers/render.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 200, bootstrapDelay: 100, maxMissedHeartbeats: 5 }
/** More writes than this and the effect is looping (StrictMode runs each effect twice on mount). */
const BOUND = 8
let net: Network

beforeAll(async () => {
  net = await Network.create({ network: `effect-deps-${UniqueId.random().short()}`, transport: 'memory' })
})
afterEach(() => cleanup())
afterAll(() => net.stop())

/** Waits until a second handle on the same peer has applied every write the component made, then lets React settle. */
async function settle(storeId: UniqueId, writes: () => number, versions: number[]) {
  const probe = Cell.reader<unknown>(net, storeId, { consensus: FAST })
  try {
    for (let round = 0; round < 3; round++) {
      const last = Math.max(0, ...versions)
      await withTimeout(probe.when.reaches(last), 10_000, `the cell to apply version ${last}`)
      await act(async () => {})
      if (Math.max(0, ...versions) === last && writes() <= BOUND) continue
      if (writes() > BOUND) return
    }
  } finally {
    await probe.close()
  }
}

describe('useEffect(() => { w.write(x) }, [w])', () => {
  it('does not loop when the component renders the value (object values included)', async () => {
    const cell = defineCell<{ theme: string }>(UniqueId.random().toString(), { consensus: FAST })
    const x = { theme: 'dark' }
    let renders = 0
    let writes = 0
    const versions: number[] = []
    function Settings() {
      const w = useCellWriter(cell)
      renders++
      useEffect(() => {
        // The cap keeps a looping effect from running away: the count then exceeds BOUND.
        if (!w.online || writes > BOUND) return
        writes++
        w.write(x).then(
          (v) => versions.push(v),
          () => {},
        )
      }, [w])
      return <p data-testid="theme">{w.value?.theme ?? '-'}</p>
    }
    render(
      <Strict>
        <NetworkProvider network={net} gracePeriod={20}>
          <Settings />
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() => expect(screen.getByTestId('theme').textContent).toBe('dark'), { timeout: 10_000 })
    await settle(cell.storeId, () => writes, versions)
    console.log(`effect-deps: ${writes} writes, ${renders} renders`)
    expect(writes).toBeLessThanOrEqual(BOUND)
    expect(renders).toBeLessThanOrEqual(4 * BOUND)
  })

  it('does not loop with the functions destructured: useEffect(() => { write(x) }, [write, x])', async () => {
    const cell = defineCell<number>(UniqueId.random().toString(), { consensus: FAST })
    let writes = 0
    const versions: number[] = []
    function Counter({ x }: { x: number }) {
      const { write, value, pending, online } = useCellWriter(cell)
      useEffect(() => {
        if (!online || writes > BOUND) return
        writes++
        write(x).then(
          (v) => versions.push(v),
          () => {},
        )
      }, [write, x, online])
      return (
        <p data-testid="n">
          {value ?? '-'} {pending}
        </p>
      )
    }
    render(
      <Strict>
        <NetworkProvider network={net} gracePeriod={20}>
          <Counter x={3} />
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() => expect(screen.getByTestId('n').textContent).toBe('3 0'), { timeout: 10_000 })
    await settle(cell.storeId, () => writes, versions)
    expect(writes).toBeLessThanOrEqual(BOUND)
  })

  it('keeps the state object when only fields the component never read changed, across a parent re-render', async () => {
    const cell = defineCell<number>(UniqueId.random().toString(), { consensus: FAST })
    const seen: object[] = []
    const effects: object[] = []
    function Child({ label }: { label: string }) {
      const w = useCellWriter(cell)
      seen.push(w)
      useEffect(() => {
        effects.push(w)
      }, [w])
      return (
        <p data-testid="child">
          {label} {w.online ? 'online' : 'waiting'}
        </p>
      )
    }
    const tree = (label: string) => (
      <Strict>
        <NetworkProvider network={net} gracePeriod={20}>
          <Child label={label} />
        </NetworkProvider>
      </Strict>
    )
    const view = render(tree('a'))
    await waitFor(() => expect(screen.getByTestId('child').textContent).toBe('a online'), { timeout: 10_000 })
    // Another handle on the same cell commits: value, version and leader fields move, but
    // this component read only `online`.
    const other = Cell.writer<number>(net, cell.storeId, { consensus: FAST })
    try {
      const version = await withTimeout(other.write(42), 10_000, 'the other handle to commit')
      expect(version).toBeGreaterThan(0)
      await act(async () => {})
      const before = seen.at(-1)
      const effectsBefore = effects.length
      view.rerender(tree('b'))
      expect(screen.getByTestId('child').textContent).toBe('b online')
      expect(seen.at(-1)).toBe(before)
      expect(effects.length).toBe(effectsBefore)
    } finally {
      await other.close()
    }
  })
})
