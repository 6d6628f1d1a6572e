/**
 * The opt-in `ed25519Only()` plugin (`mosaik-react/vite`): a production Vite build of the tiny
 * app leaves out secp256k1 and the Weierstrass curve code, and a browser build of libp2p's key
 * and peer-id code still does everything with Ed25519 keys while other types throw
 * `UnsupportedKeyTypeError`. Each check has a control built without the plugin.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type Rolldown } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ViteBuild } from '../../bench/lib/vite-build.js'
import { viteBuild } from '../../bench/lib/vite-build.js'
import { ed25519Only, exportNames, stubModule } from '../../src/bundler/ed25519-only.js'

const ROOT = join(import.meta.dirname, '..', '..')
const WEIERSTRASS = ['@noble/curves/secp256k1.js', '@noble/curves/abstract/weierstrass.js']
const dir = mkdtempSync(join(tmpdir(), 'ed25519-only-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Builds `fixtures/keys-probe.ts` for the browser, runs it in this process and returns what it saw. */
async function probe(plugins: ReturnType<typeof ed25519Only>[], name: string): Promise<Record<string, unknown>> {
  const out = (await build({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    plugins,
    build: {
      write: false,
      minify: false,
      lib: { entry: join(ROOT, 'test/bench/fixtures/keys-probe.ts'), formats: ['es'], fileName: 'probe' },
    },
  })) as Rolldown.RolldownOutput[]
  const chunk = out.flatMap((o) => o.output).find((c) => c.type === 'chunk' && c.isEntry)
  if (chunk?.type !== 'chunk') throw new Error('the probe build produced no entry chunk')
  const file = join(dir, `${name}.mjs`)
  writeFileSync(file, chunk.code)
  const mod = (await import(file)) as { probe(): Promise<Record<string, unknown>> }
  return mod.probe()
}

describe('exportNames', () => {
  it('reads every export form tsc emits', () => {
    const source = [
      'export function a() {}',
      'export async function b() {}',
      'export class C {}',
      "export const D = '1.2'",
      'export { e, f as g };',
      "export { h as i } from './x.js';",
    ].join('\n')
    expect(exportNames(source)).toEqual(['C', 'D', 'a', 'b', 'e', 'g', 'i'])
  })

  it('refuses a module it could not stub faithfully', () => {
    expect(() => exportNames("export * from './x.js'")).toThrow(/export \*/)
  })

  it('stubs each name with a function that throws UnsupportedKeyTypeError', () => {
    expect(stubModule(['x', 'y'], 'rsa')).toContain('export { unsupported as x, unsupported as y }')
  })
})

describe('ed25519Only() in a production Vite build of the tiny app', () => {
  let plain: ViteBuild
  let slim: ViteBuild
  beforeAll(async () => {
    plain = await viteBuild('tiny-app', 'production', { parts: false })
    slim = await viteBuild('tiny-app', 'production', { parts: false, plugins: [ed25519Only()] })
  })

  it('leaves out secp256k1 and the Weierstrass curves, which the default build carries', () => {
    expect(plain.packageModules).toEqual(expect.arrayContaining(WEIERSTRASS))
    expect(slim.packageModules.filter((m) => WEIERSTRASS.includes(m))).toEqual([])
    expect(slim.total.gzipped).toBeLessThan(plain.total.gzipped)
  })

  it('keeps Ed25519, noise and our own code', () => {
    expect(slim.packageModules).toEqual(expect.arrayContaining(['@noble/curves/ed25519.js']))
    expect(slim.ourModules).toEqual(plain.ourModules)
  })
})

describe('a browser build of libp2p keys and peer ids', () => {
  it('does everything with Ed25519 and refuses other key types with ed25519Only()', async () => {
    expect(await probe([ed25519Only()], 'slim')).toEqual({
      ed25519Verifies: true,
      ed25519PeerIdRoundTrips: true,
      secp256k1: 'UnsupportedKeyTypeError',
      ecdsa: 'UnsupportedKeyTypeError',
    })
  })

  it('decodes the other key types without it', async () => {
    expect(await probe([], 'plain')).toEqual({
      ed25519Verifies: true,
      ed25519PeerIdRoundTrips: true,
      secp256k1: 'ok secp256k1',
      ecdsa: 'ok ECDSA',
    })
  })
})
