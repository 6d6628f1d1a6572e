/**
 * Bundle size of the browser entry points: esbuild (browser platform, minified, ESM,
 * production React), gzipped at level 9. Nothing is excluded; a second figure leaves out the
 * peer dependency `react` (what the library adds to an app that already ships React). The
 * esbuild metafile says which packages dominate.
 *
 * Then a real Vite production build of a tiny app (`bench/fixtures/tiny-app`: one cell under a
 * `NetworkProvider`, no devtools): what the page loads at once, and of that our own code,
 * libp2p and the other packages, and React each gzipped on its own; the chunks loaded only on
 * use apart; the devtools modules found in it (none is the
 * target). The same build of an app that mounts the devtools, in development mode, shows that
 * the check finds them when they are there.
 */
import { existsSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import { ed25519Only } from '../../src/bundler/ed25519-only.js'
import type { Benchmark, Row, Target } from '../lib/harness.js'
import { summarize } from '../lib/stats.js'
import { type ViteBuild, viteBuild } from '../lib/vite-build.js'

const ROOT = new URL('../../', import.meta.url).pathname

/** Package entry → source file. */
export const ENTRIES: ReadonlyArray<{ name: string; file: string }> = [
  { name: 'mosaik-react', file: 'src/index.ts' },
  { name: 'mosaik-react/core', file: 'src/core.ts' },
  { name: 'mosaik-react/devtools', file: 'src/devtools.ts' },
]

export interface BundleSize {
  minified: number
  gzipped: number
  /** Minified bytes by package (`node_modules` package name, or `src/<layer>` for ours), largest first. */
  byPackage: Array<[string, number]>
}

/**
 * esbuild with code splitting, as an app's bundler does: what loads at once is the entry chunk
 * and its static imports (their bytes gzipped together, as one file); chunks imported on use
 * (the memory and TCP transports) are left out.
 */
export async function bundleSize(file: string, external: readonly string[] = []): Promise<BundleSize> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [file],
    bundle: true,
    splitting: true,
    outdir: 'bundle-out',
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: [...external, ...external.map((e) => `${e}/*`)],
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const outputs = result.metafile.outputs
  // A module imported on use is an entry point of its own chunk too: find the one asked for.
  const wanted = relative(ROOT, resolve(ROOT, file))
  const entry = Object.keys(outputs).find((o) => outputs[o]?.entryPoint === wanted)
  if (!entry) throw new Error(`esbuild produced no entry chunk for ${file}`)
  const atOnce = new Set<string>()
  const visit = (name: string) => {
    if (atOnce.has(name)) return
    atOnce.add(name)
    for (const i of outputs[name]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path)
  }
  visit(entry)
  const files = result.outputFiles.filter((f) => atOnce.has(relative(ROOT, f.path)))
  const bytes = Buffer.concat(files.map((f) => f.contents))
  return {
    minified: bytes.byteLength,
    gzipped: gzipSync(bytes, { level: 9 }).byteLength,
    byPackage: byPackage(result.metafile, atOnce),
  }
}

function byPackage(meta: Metafile, only: ReadonlySet<string>): Array<[string, number]> {
  const sizes = new Map<string, number>()
  for (const [name, output] of Object.entries(meta.outputs)) {
    if (!only.has(name)) continue
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = packageOf(path)
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput)
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1])
}

function packageOf(path: string): string {
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/')
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path)
  }
  const src = path.match(/^src\/([^/]+)\//)
  return src ? `src/${src[1]}` : path
}

const kib = (n: number) => n / 1024
const REACT = ['react', 'react-dom', 'scheduler']
const topOf = (size: BundleSize) =>
  size.byPackage.slice(0, 6).map(([p, b]) => ({ package: p, kib: Math.round(kib(b) * 10) / 10 }))

/** #15's targets for a browser app's `mosaik-react` (gzipped, React not counted). */
export const TARGET_KB = { library: 170, ours: 30 }

const kbRow = (name: string, bytes: { minified: number; gzipped: number }, target?: Target): Row => ({
  case: name,
  transport: '-',
  nodes: 0,
  unit: 'KiB',
  stats: summarize([kib(bytes.gzipped)]),
  ...(target && { target }),
  extra: { minifiedKiB: kib(bytes.minified), gzippedBytes: bytes.gzipped },
})

/** `n` devtools modules in a build, as a row (a count, target none unless `expectNone`). */
function devtoolsRow(name: string, build: ViteBuild, expectNone: boolean): Row {
  const found = build.ourModules.filter((m) => m.startsWith('devtools'))
  return {
    case: name,
    transport: '-',
    nodes: 0,
    unit: 'modules',
    stats: summarize([found.length]),
    ...(expectNone && { target: { text: 'none', pass: found.length === 0 } }),
    extra: { modules: found },
  }
}

/** The Vite builds: the tiny app (production) and the devtools app (development). */
async function viteRows(rows: Row[], notes: string[]): Promise<void> {
  const tiny = await viteBuild('tiny-app')
  if (!tiny.parts) throw new Error('the tiny app was built without its parts')
  const { ours, deps, react } = tiny.parts
  const library = { minified: ours.minified + deps.minified, gzipped: ours.gzipped + deps.gzipped }
  const within = (b: { gzipped: number }, kb: number) => ({ text: `≤ ${kb} KB gz`, pass: b.gzipped <= kb * 1000 })
  rows.push(kbRow('vite tiny app gz (loaded at once)', tiny.total))
  rows.push(kbRow('vite tiny app gz (chunks loaded on use)', tiny.lazy))
  rows.push(kbRow('vite tiny app gz: mosaik-react (ours + packages)', library, within(library, TARGET_KB.library)))
  rows.push(kbRow('vite tiny app gz: ours (src/)', ours, within(ours, TARGET_KB.ours)))
  rows.push(kbRow('vite tiny app gz: packages (libp2p …)', deps))
  rows.push(kbRow('vite tiny app gz: react', react))
  rows.push(devtoolsRow('vite tiny app (production): devtools modules', tiny, true))
  // The opt-in plugin (`mosaik-react/vite`), apart: it never counts as the default figure.
  const slim = await viteBuild('tiny-app', 'production', { plugins: [ed25519Only()] })
  if (!slim.parts) throw new Error('the tiny app (ed25519Only) was built without its parts')
  const slimLibrary = {
    minified: slim.parts.ours.minified + slim.parts.deps.minified,
    gzipped: slim.parts.ours.gzipped + slim.parts.deps.gzipped,
  }
  rows.push(kbRow('vite tiny app gz, opt-in ed25519Only: mosaik-react', slimLibrary))
  rows.push(kbRow('vite tiny app gz, opt-in ed25519Only: packages', slim.parts.deps))
  const dev = await viteBuild('devtools-app', 'development', { parts: false })
  rows.push(devtoolsRow('vite devtools app (development): devtools modules', dev, false))
  notes.push(
    `vite tiny app: ${kib(tiny.total.gzipped).toFixed(1)} KiB gz loaded at once = ours ${kib(ours.gzipped).toFixed(1)} + ` +
      `packages ${kib(deps.gzipped).toFixed(1)} + react ${kib(react.gzipped).toFixed(1)} (each chunk gzipped alone), ` +
      `${kib(tiny.lazy.gzipped).toFixed(1)} KiB gz more in chunks loaded on use; ` +
      `${tiny.ourModules.length} modules of ours, devtools among them: ` +
      `${tiny.ourModules.filter((m) => m.startsWith('devtools')).length}`,
    `vite tiny app at once by part (KiB gz, estimated share): ` +
      tiny.byPart
        .slice(0, 16)
        .map(([p, b]) => `${p} ${kib(b).toFixed(1)}`)
        .join(', '),
    `vite tiny app chunks loaded on use (KiB gz): ` +
      tiny.lazyChunks
        .map((c) => `${c.name} ${kib(c.gzipped).toFixed(1)} [${[...c.ours, ...c.packages].join(' ')}]`)
        .join('; '),
    `opt-in ed25519Only() (mosaik-react/vite): mosaik-react ${kib(slimLibrary.gzipped).toFixed(1)} KiB gz at once ` +
      `(packages ${kib(slim.parts.deps.gzipped).toFixed(1)}), against ${kib(library.gzipped).toFixed(1)} by default`,
  )
}

function sizeRow(name: string, size: BundleSize): Row {
  return {
    case: name,
    transport: '-',
    nodes: 0,
    unit: 'KiB',
    stats: summarize([kib(size.gzipped)]),
    extra: { minifiedKiB: kib(size.minified), gzippedBytes: size.gzipped, top: topOf(size) },
  }
}

export const bundle: Benchmark = {
  name: 'bundle',
  title: 'browser bundle size (esbuild, minified + gzip -9)',
  async run(ctx) {
    const rows: Row[] = []
    const notes: string[] = []
    const missing: string[] = []
    for (const entry of ENTRIES) {
      if (!existsSync(join(ROOT, entry.file))) {
        missing.push(`${entry.name} (${entry.file})`)
        continue
      }
      const all = await bundleSize(entry.file)
      rows.push(sizeRow(`${entry.name} gz (all)`, all))
      notes.push(
        `${entry.name}: ${kib(all.minified).toFixed(0)} KiB min, ${kib(all.gzipped).toFixed(1)} KiB gz; largest (min KiB): ` +
          topOf(all)
            .map((t) => `${t.package} ${t.kib}`)
            .join(', '),
      )
      ctx.log(`bundle ${entry.name}: ${kib(all.gzipped).toFixed(1)} KiB gz`)
      if (all.byPackage.some(([p]) => REACT.includes(p))) {
        rows.push(sizeRow(`${entry.name} gz (react external)`, await bundleSize(entry.file, REACT)))
      }
    }
    await viteRows(rows, notes)
    if (missing.length > 0) notes.push(`not built yet (entry missing): ${missing.join(', ')}`)
    return {
      rows,
      notes,
      params: {
        entries: ENTRIES,
        minify: true,
        gzipLevel: 9,
        platform: 'browser',
        viteApps: ['tiny-app', 'devtools-app'],
      },
    }
  },
}
