import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// docs/ARCHITECTURE.md "Layers": imports only point down. Each layer lists the layers it may import.
const ALLOWED: Record<string, string[]> = {
  core: [],
  tickets: ['core'],
  network: ['tickets', 'core'],
  discovery: ['network', 'tickets', 'core'],
  streams: ['discovery', 'network', 'tickets', 'core'],
  'groups/raft': ['core'],
  groups: ['groups/raft', 'discovery', 'network', 'tickets', 'core'],
  collections: ['groups', 'groups/raft', 'discovery', 'network', 'tickets', 'core'],
  // The observer layer: shared handles and their state, framework-free (React adapts it).
  observe: ['collections', 'groups', 'groups/raft', 'discovery', 'network', 'tickets', 'core'],
  react: ['observe', 'collections', 'groups', 'groups/raft', 'streams', 'discovery', 'network', 'tickets', 'core'],
  devtools: [
    'react',
    'observe',
    'collections',
    'groups',
    'groups/raft',
    'streams',
    'discovery',
    'network',
    'tickets',
    'core',
  ],
  // Build-time helpers (`mosaik-react/vite`): they run in the app's bundler, never at run time.
  bundler: [],
  node: ['collections', 'groups', 'groups/raft', 'streams', 'discovery', 'network', 'tickets', 'core'],
}
// Composition roots, with the reason each may import upward.
const EXCEPTIONS: Record<string, string[]> = {
  // docs/ARCHITECTURE.md "Network": the Network owns the libp2p node and every service; it
  // builds its Discovery and its Groups, which otherwise only see the network through
  // network/types.ts (the circle check keeps it that way). Streams attach the same way.
  'network/network.ts': ['discovery', 'groups', 'streams'],
  // Its options (split out of network.ts) name the discovery config the Network builds it with.
  'network/options.ts': ['discovery'],
}
const EXTERNAL_FORBIDDEN: Record<string, RegExp> = {
  'groups/raft': /^(libp2p|@libp2p|@chainsafe|react|node:)/,
  core: /^(libp2p|@libp2p|@chainsafe|react|zustand)/,
  tickets: /^(libp2p|@libp2p|@chainsafe|react|zustand|node:)/,
  collections: /^(react|zustand)/,
  observe: /^(react|zustand)/,
  groups: /^(react|zustand)/,
  network: /^(react|zustand)/,
  streams: /^(react|zustand)/,
}

const SRC = resolve(__dirname, '../src')

// Issue #17: one concept per file, none in src/ over MAX_LINES.
const MAX_LINES = 400
const SIZE_CHECKED = ['']

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : []
  })
}

function layerOf(file: string): string | undefined {
  const rel = relative(SRC, file).split('/')
  if (rel.length < 2) return undefined // entry files (index.ts, core.ts …) may import anything
  if (rel[0] === 'groups' && rel[1] === 'raft') return 'groups/raft'
  return rel[0]
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    out.push((m[1] ?? m[2]) as string)
  }
  return out
}

/** The file a relative import names (`./x.js` → `x.ts`, `x.tsx` or `x/index.ts`), if it is in src. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(from, '..', spec).replace(/\.js$/, '')
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {}
  }
  return undefined
}

/** Files (path → line count) longer than `max` lines, as `path: n lines`, sorted. */
function oversized(lines: ReadonlyMap<string, number>, max: number): string[] {
  return [...lines]
    .filter(([, n]) => n > max)
    .map(([path, n]) => `${path}: ${n} lines`)
    .sort()
}

/** Line count of a text as editors show it (a final newline does not start another line). */
function lineCount(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

/** Import circles in a graph (file → files it imports), each as the files on it: Tarjan's SCCs. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const visit = (v: string) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop() as string
        onStack.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || graph.get(v)?.includes(v)) out.push(scc.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return out
}

describe('architecture', () => {
  it('has no import circle in src (type-only imports count too)', () => {
    const graph = new Map<string, string[]>()
    for (const file of files(SRC)) {
      const targets = importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolveImport(file, spec))
        .filter((t): t is string => t !== undefined)
      graph.set(relative(SRC, file), [...new Set(targets.map((t) => relative(SRC, t)))])
    }
    expect(graph.get('network/network.ts')).toContain('network/channel-hub.ts')
    expect(circles(graph)).toEqual([])
  })

  it('finds import circles (the check can fail)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ])
    expect(circles(graph)).toEqual([['a', 'b', 'c'], ['d']])
  })

  it('imports only point down the layers of docs/ARCHITECTURE.md', () => {
    const violations: string[] = []
    for (const file of files(SRC)) {
      const layer = layerOf(file)
      if (!layer) continue
      const allowed = ALLOWED[layer]
      if (!allowed) {
        violations.push(`${relative(SRC, file)}: unknown layer ${layer}`)
        continue
      }
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = layerOf(resolve(file, '..', spec))
          const excepted = EXCEPTIONS[relative(SRC, file)]?.includes(target ?? '')
          if (target && target !== layer && !allowed.includes(target) && !excepted) {
            violations.push(`${relative(SRC, file)} (${layer}) imports ${spec} (${target})`)
          }
        } else if (EXTERNAL_FORBIDDEN[layer]?.test(spec)) {
          violations.push(`${relative(SRC, file)} (${layer}) imports ${spec}`)
        }
      }
    }
    expect(violations).toEqual([])
  })

  it('finds the imports it checks (the check can fail)', () => {
    const core = files(join(SRC, 'core'))
    expect(core.length).toBeGreaterThan(3)
    expect(importsOf(join(SRC, 'core/id.ts'))).toContain('@noble/hashes/blake3.js')
  })

  it(`keeps every file of src/ at most ${MAX_LINES} lines`, () => {
    const lines = new Map<string, number>()
    for (const dir of SIZE_CHECKED)
      for (const file of files(join(SRC, dir))) lines.set(relative(SRC, file), lineCount(readFileSync(file, 'utf8')))
    expect(lines.size).toBeGreaterThan(20)
    expect(oversized(lines, MAX_LINES)).toEqual([])
  })

  it('finds files over the line limit (the check can fail)', () => {
    expect(lineCount('a\nb\n')).toBe(2)
    expect(lineCount('a\nb')).toBe(2)
    const lines = new Map([
      ['x.ts', 401],
      ['y.ts', 400],
      ['a.ts', 900],
    ])
    expect(oversized(lines, 400)).toEqual(['a.ts: 900 lines', 'x.ts: 401 lines'])
  })
})
