/**
 * A real Vite production build of a small app (`bench/fixtures/<app>/main.tsx`) that imports
 * `mosaik-react` as a user would, resolved to this repository's sources. Nothing is written
 * to disk. The output is split into three chunks (our `src/`, React, every other package) so
 * each can be gzipped on its own; a second build without the split gives the total as an app
 * ships it. Reports which of our modules ended up in the output, so a test can check that the
 * devtools are tree-shaken from an app that does not mount them.
 */
import { gzipSync } from 'node:zlib'
import { build, type Rolldown } from 'vite'

const ROOT = new URL('../../', import.meta.url).pathname
const SRC = `${ROOT}src/`

/** Sizes of one Vite build (bytes; gzip -9 of each chunk). */
export interface ViteBuild {
  /** Every chunk of the unsplit build, minified and gzipped. */
  readonly total: { minified: number; gzipped: number }
  /**
   * Our own code (`src/`), React (react, react-dom, scheduler) and all other packages, each one
   * chunk; absent when built with `parts: false`.
   */
  readonly parts?: Readonly<Record<'ours' | 'react' | 'deps', { minified: number; gzipped: number }>>
  /** Modules of ours (paths relative to `src/`) in the output. */
  readonly ourModules: readonly string[]
}

type Output = Rolldown.RolldownOutput
type Chunk = Rolldown.OutputChunk

/** Builds `bench/fixtures/<app>/main.tsx` in `mode` (`production` unless told); `parts: false` skips the split build. */
export async function viteBuild(
  app: string,
  mode: 'production' | 'development' = 'production',
  options: { parts?: boolean } = {},
): Promise<ViteBuild> {
  const whole = await run(app, mode, false)
  const split = options.parts === false ? undefined : await run(app, mode, true)
  const part = (name: string) => sizeOf((split ?? []).filter((c) => c.name === name))
  const ourModules = whole
    .flatMap((c) => Object.keys(c.modules))
    .filter((id) => id.startsWith(SRC))
    .map((id) => id.slice(SRC.length))
  return {
    total: sizeOf(whole),
    ...(split && { parts: { ours: part('ours'), react: part('react'), deps: part('deps') } }),
    ourModules: [...new Set(ourModules)].sort(),
  }
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

async function run(app: string, mode: string, split: boolean): Promise<Chunk[]> {
  const root = `${ROOT}bench/fixtures/${app}`
  const groups = [
    { name: 'ours', test: (id: string) => id.startsWith(SRC) },
    { name: 'react', test: /node_modules\/(react|react-dom|scheduler)\// },
    { name: 'deps', test: /node_modules\// },
  ]
  const out = (await build({
    root,
    configFile: false,
    logLevel: 'silent',
    mode,
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
