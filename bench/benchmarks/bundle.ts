/**
 * Bundle size of the browser entry points: esbuild (browser platform, minified, ESM,
 * production React), gzipped at level 9. Nothing is excluded; a second figure leaves out the
 * peer dependency `react` (what the library adds to an app that already ships React). The
 * esbuild metafile says which packages dominate.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import type { Benchmark, Row } from '../lib/harness.js'
import { summarize } from '../lib/stats.js'

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

export async function bundleSize(file: string, external: readonly string[] = []): Promise<BundleSize> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [file],
    bundle: true,
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
  const out = result.outputFiles[0]
  if (!out) throw new Error(`esbuild produced no output for ${file}`)
  return {
    minified: out.contents.byteLength,
    gzipped: gzipSync(out.contents, { level: 9 }).byteLength,
    byPackage: byPackage(result.metafile),
  }
}

function byPackage(meta: Metafile): Array<[string, number]> {
  const sizes = new Map<string, number>()
  for (const output of Object.values(meta.outputs)) {
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
    if (missing.length > 0) notes.push(`not built yet (entry missing): ${missing.join(', ')}`)
    return { rows, notes, params: { entries: ENTRIES, minify: true, gzipLevel: 9, platform: 'browser' } }
  },
}
