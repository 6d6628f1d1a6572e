/**
 * The devtools stay out of a production build of an app that does not mount them: a real
 * Vite build of `bench/fixtures/tiny-app` contains none of `src/devtools/`. The same build of
 * an app that mounts the panel (development mode) must contain them, or the check could not
 * tell the two apart.
 */
import { describe, expect, it } from 'vitest'
import { viteBuild } from '../../bench/lib/vite-build.js'

const devtoolsOf = (modules: readonly string[]) => modules.filter((m) => m.startsWith('devtools'))

describe('a production Vite build', () => {
  it('of an app without the devtools contains none of them', async () => {
    const tiny = await viteBuild('tiny-app', 'production', { parts: false })
    expect(tiny.ourModules).toContain('react/network-provider.tsx')
    expect(devtoolsOf(tiny.ourModules)).toEqual([])
  })

  it('of an app that mounts them (development mode) does contain them', async () => {
    const app = await viteBuild('devtools-app', 'development', { parts: false })
    expect(devtoolsOf(app.ourModules)).toContain('devtools/store.ts')
  })
})
