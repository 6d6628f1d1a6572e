/**
 * What a production build of an app that uses neither the devtools nor `persist` leaves out:
 * a real Vite build of `bench/fixtures/tiny-app` contains none of `src/devtools/`, and loads
 * the persist stores (file journal, IndexedDB), the ticket refresher and the streams engine only on use. The same build of an app that
 * mounts the panel (development mode) must contain the devtools, and the stores must be in
 * the chunks loaded on use, or the checks could not tell the cases apart.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { ViteBuild } from '../../bench/lib/vite-build.js'
import { viteBuild } from '../../bench/lib/vite-build.js'

const devtoolsOf = (modules: readonly string[]) => modules.filter((m) => m.startsWith('devtools'))
const persistOf = (modules: readonly string[]) => modules.filter((m) => m.startsWith('network/persist/'))

describe('a production Vite build', () => {
  let tiny: ViteBuild
  beforeAll(async () => {
    tiny = await viteBuild('tiny-app', 'production', { parts: false })
  })

  it('of an app without the devtools contains none of them', () => {
    expect(tiny.ourModules).toContain('react/network-provider.tsx')
    expect(devtoolsOf(tiny.ourModules)).toEqual([])
  })

  it('of an app without persist loads the persist stores only on use', () => {
    // The error type is shared with the groups (a store failure is a typed error), nothing else.
    expect(persistOf(tiny.ourModules)).toEqual(['network/persist/journal.ts'])
    expect(persistOf(tiny.lazyModules)).toEqual(
      expect.arrayContaining(['network/persist/file-journal.ts', 'network/persist/idb-root.ts']),
    )
  })

  it('of an app without `auth` loads the ticket refresher and JWT decoding only on use', () => {
    const refresher = ['discovery/ticket-refresh.ts', 'tickets/jwt/claims.ts']
    expect(tiny.ourModules.filter((m) => refresher.includes(m))).toEqual([])
    expect(tiny.lazyModules).toEqual(expect.arrayContaining(refresher))
  })

  it('of an app without streams loads the streams engine only on use', () => {
    const engine = ['streams/engine.ts', 'streams/consumer-engine.ts', 'streams/sink.ts', 'streams/receiver.ts']
    expect(tiny.ourModules).toContain('streams/streams.ts')
    expect(tiny.ourModules.filter((m) => engine.includes(m))).toEqual([])
    expect(tiny.lazyModules).toEqual(expect.arrayContaining(engine))
  })

  it('of an app that mounts them (development mode) does contain them', async () => {
    const app = await viteBuild('devtools-app', 'development', { parts: false })
    expect(devtoolsOf(app.ourModules)).toContain('devtools/store.ts')
  })
})
