/**
 * Measures what the devtools cost while mounted: React commits and render time of the
 * devtools subtree (Profiler `actualDuration`) plus the store's own folding time. The
 * numbers are on `window.__mosaikDevtoolsCost` for the browser test that reports them.
 */
import { Profiler, type ReactNode } from 'react'
import type { DevtoolsStore } from '../../src/devtools/store.js'

export interface DevtoolsCost {
  renders: number
  renderMs: number
  since: number
  /** Store flushes and ms spent in them (folding + notifying) since the last reset. */
  sample(): { renders: number; renderMs: number; flushes: number; flushMs: number; events: number; seconds: number }
  reset(): void
}

declare global {
  interface Window {
    __mosaikDevtoolsCost?: DevtoolsCost
  }
}

export function CostProbe({ store, children }: { store: DevtoolsStore; children?: ReactNode }): ReactNode {
  let cost = window.__mosaikDevtoolsCost
  if (!cost) {
    let base = store.stats()
    const c: DevtoolsCost = {
      renders: 0,
      renderMs: 0,
      since: performance.now(),
      sample: () => {
        const s = store.stats()
        return {
          renders: c.renders,
          renderMs: c.renderMs,
          flushes: s.flushes - base.flushes,
          flushMs: s.flushMs - base.flushMs,
          events: s.ingested - base.ingested,
          seconds: (performance.now() - c.since) / 1000,
        }
      },
      reset: () => {
        c.renders = 0
        c.renderMs = 0
        c.since = performance.now()
        base = store.stats()
      },
    }
    cost = c
    window.__mosaikDevtoolsCost = c
  }
  const sink = cost
  return (
    <Profiler
      id="mosaik-devtools"
      onRender={(_id, _phase, actualDuration) => {
        sink.renders += 1
        sink.renderMs += actualDuration
      }}
    >
      {children}
    </Profiler>
  )
}
