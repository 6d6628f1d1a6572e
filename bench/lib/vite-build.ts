/**
 * A real Vite production build of a small app (`bench/fixtures/<app>/main.tsx`) that imports
 * `mosaik-react` as a user would, resolved to this repository's sources. Nothing is written
 * to disk. A first build gives the total as an app ships it: what the page loads at once
 * (the entry chunk and its static imports) apart from chunks imported on use (the memory
 * transport …). A second build splits what loads at once into three chunks (our `src/`,
 * React, every other package) so each can be gzipped on its own. Reports which of our modules ended up in the output, so a test can check that the
 * devtools are tree-shaken from an app that does not mount them.
 */
import { gzipSync } from 'node:zlib'
import { build, type Plugin, type Rolldown } from 'vite'

const ROOT = new URL('../../', import.meta.url).pathname
const SRC = `${ROOT}src/`

/** Sizes of one Vite build (bytes; gzip -9 of each chunk). */
export interface ViteBuild {
  /** What the page loads at once (entry chunk and its static imports), minified and gzipped. */
  readonly total: { minified: number; gzipped: number }
  /** Chunks loaded only on use (dynamic imports), together. */
  readonly lazy: { minified: number; gzipped: number }
  /**
   * Our own code (`src/`), React (react, react-dom, scheduler) and all other packages, each one
   * chunk; absent when built with `parts: false`.
   */
  readonly parts?: Readonly<Record<'ours' | 'react' | 'deps', { minified: number; gzipped: number }>>
  /** Modules of ours (paths relative to `src/`) the page loads at once. */
  readonly ourModules: readonly string[]
  /** Modules of ours only in chunks loaded on use (the persist stores …). */
  readonly lazyModules: readonly string[]
  /** Package modules the page loads at once (paths after the last `node_modules/`). */
  readonly packageModules: readonly string[]
  /**
   * What loads at once by part (`src/<layer>` of ours, else the package), largest first: each
   * part's code before minification, gzipped on its own, scaled so the parts add up to
   * `total.gzipped`. An estimate of each part's share, for finding weight, not a measurement.
   */
  readonly byPart: ReadonlyArray<readonly [string, number]>
  /** Each chunk loaded only on use: its file name, gzipped size, the modules of ours and the packages in it. */
  readonly lazyChunks: ReadonlyArray<{
    readonly name: string
    readonly gzipped: number
    readonly ours: string[]
    readonly packages: string[]
  }>
}

type Output = Rolldown.RolldownOutput
type Chunk = Rolldown.OutputChunk

/** Options of one measured build. */
export interface ViteBuildOptions {
  /** `false` skips the split build (no `parts`). */
  readonly parts?: boolean
  /** Vite plugins the app adds (an opt-in such as `ed25519Only()`); none unless told. */
  readonly plugins?: readonly Plugin[]
}

/** Builds `bench/fixtures/<app>/main.tsx` in `mode` (`production` unless told); `parts: false` skips the split build. */
export async function viteBuild(
  app: string,
  mode: 'production' | 'development' = 'production',
  options: ViteBuildOptions = {},
): Promise<ViteBuild> {
  const plugins = options.plugins ?? []
  const whole = await run(app, mode, plugins)
  const initial = loadedAtOnce(whole)
  const atOnce = new Set(initial.flatMap((c) => Object.keys(c.modules)))
  const split = options.parts === false ? undefined : await run(app, mode, plugins, atOnce)
  const part = (name: string) => sizeOf((split ?? []).filter((c) => c.name === name))
  const ours = (chunks: readonly Chunk[]) => [
    ...new Set(
      chunks
        .flatMap((c) => Object.keys(c.modules))
        .filter((id) => id.startsWith(SRC))
        .map((id) => id.slice(SRC.length)),
    ),
  ]
  const ourModules = ours(initial)
  const lazyModules = ours(whole.filter((c) => !initial.includes(c))).filter((m) => !ourModules.includes(m))
  const NM = 'node_modules/'
  const packageModules = [...atOnce]
    .filter((id) => id.includes(NM))
    .map((id) => id.slice(id.lastIndexOf(NM) + NM.length))
  return {
    total: sizeOf(initial),
    lazy: sizeOf(whole.filter((c) => !initial.includes(c))),
    ...(split && { parts: { ours: part('ours'), react: part('react'), deps: part('deps') } }),
    ourModules: ourModules.sort(),
    lazyModules: lazyModules.sort(),
    packageModules: packageModules.sort(),
    byPart: byPart(initial, sizeOf(initial).gzipped),
    lazyChunks: whole
      .filter((c) => !initial.includes(c))
      .map((c) => ({
        name: c.fileName,
        gzipped: sizeOf([c]).gzipped,
        ours: ours([c]),
        packages: [
          ...new Set(
            Object.keys(c.modules)
              .filter((id) => id.includes('node_modules/'))
              .map(partOf),
          ),
        ],
      })),
  }
}

function partOf(id: string): string {
  const nm = id.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const [scope, name] = id.slice(nm + 'node_modules/'.length).split('/')
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? id)
  }
  if (!id.startsWith(SRC)) return 'other'
  const rel = id.slice(SRC.length).split('/')
  return rel.length > 1 ? `src/${rel[0]}` : 'src'
}

function byPart(chunks: readonly Chunk[], total: number): Array<readonly [string, number]> {
  const code = new Map<string, string[]>()
  for (const c of chunks)
    for (const [id, m] of Object.entries(c.modules)) {
      const key = partOf(id)
      code.set(key, [...(code.get(key) ?? []), m.code ?? ''])
    }
  const raw = [...code].map(([k, parts]) => [k, gzipSync(parts.join('\n'), { level: 9 }).byteLength] as const)
  const sum = raw.reduce((a, [, n]) => a + n, 0) || 1
  return raw.map(([k, n]) => [k, Math.round((n * total) / sum)] as const).sort((a, b) => b[1] - a[1])
}

function sizeOf(chunks: readonly Chunk[]): { minified: number; gzipped: number } {
  let minified = 0
  let gzipped = 0
  for (const c of chunks) {
    const bytes = Buffer.from(c.code)
    minified += bytes.byteLength
    gzipped += gzipSync(bytes, { level: 9 }).byteLength
  }
  return { minified, gzipped }
}

/** The entry chunks and every chunk they import statically. */
function loadedAtOnce(chunks: readonly Chunk[]): Chunk[] {
  const byName = new Map(chunks.map((c) => [c.fileName, c]))
  const out = new Set<Chunk>()
  const visit = (c: Chunk | undefined) => {
    if (!c || out.has(c)) return
    out.add(c)
    for (const i of c.imports) visit(byName.get(i))
  }
  for (const c of chunks) if (c.isEntry) visit(c)
  return [...out]
}

/** One build; with `atOnce` (module ids the page loads at once), those are split into ours / react / deps. */
async function run(
  app: string,
  mode: string,
  plugins: readonly Plugin[],
  atOnce?: ReadonlySet<string>,
): Promise<Chunk[]> {
  const root = `${ROOT}bench/fixtures/${app}`
  const split = atOnce !== undefined
  const loaded = (test: (id: string) => boolean) => (id: string) => atOnce?.has(id) === true && test(id)
  const groups = [
    { name: 'ours', test: loaded((id) => id.startsWith(SRC)) },
    { name: 'react', test: loaded((id) => /node_modules\/(react|react-dom|scheduler)\//.test(id)) },
    { name: 'deps', test: loaded((id) => id.includes('/node_modules/')) },
  ]
  const out = (await build({
    root,
    configFile: false,
    logLevel: 'silent',
    mode,
    plugins: [...plugins],
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    resolve: {
      alias: [
        { find: /^mosaik-react$/, replacement: `${SRC}index.ts` },
        { find: /^mosaik-react\/(core|devtools)$/, replacement: `${SRC}$1.ts` },
      ],
    },
    build: {
      write: false,
      minify: true,
      reportCompressedSize: false,
      rollupOptions: {
        input: `${root}/main.tsx`,
        ...(split && { output: { codeSplitting: { includeDependenciesRecursively: false, groups } } }),
      },
    },
  })) as Output | Output[]
  const outputs = Array.isArray(out) ? out : [out]
  return outputs.flatMap((o) => o.output).filter((c): c is Chunk => c.type === 'chunk')
}
