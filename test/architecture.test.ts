import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// DESIGN.md "Layers": imports only point down. Each layer lists the layers it may import.
const ALLOWED: Record<string, string[]> = {
  core: [],
  network: ['core'],
  discovery: ['network', 'core'],
  streams: ['discovery', 'network', 'core'],
  'groups/raft': ['core'],
  groups: ['groups/raft', 'discovery', 'network', 'core'],
  collections: ['groups', 'groups/raft', 'discovery', 'network', 'core'],
  react: ['collections', 'groups', 'groups/raft', 'streams', 'discovery', 'network', 'core'],
  devtools: ['react', 'collections', 'groups', 'groups/raft', 'streams', 'discovery', 'network', 'core'],
  node: ['collections', 'groups', 'groups/raft', 'streams', 'discovery', 'network', 'core'],
}
// Composition roots, with the reason each may import upward.
const EXCEPTIONS: Record<string, string[]> = {
  // DESIGN.md: "Network owns the libp2p node and every subsystem"; it builds its Discovery,
  // which otherwise only sees the network through network/types.ts.
  // Streams attach the same way (a field built in the constructor, no prototype patching).
  'network/network.ts': ['discovery', 'streams'],
}
const EXTERNAL_FORBIDDEN: Record<string, RegExp> = {
  'groups/raft': /^(libp2p|@libp2p|@chainsafe|react|node:)/,
  core: /^(libp2p|@libp2p|@chainsafe|react|zustand)/,
  collections: /^(react|zustand)/,
  groups: /^(react|zustand)/,
  network: /^(react|zustand)/,
  streams: /^(react|zustand)/,
}

const SRC = resolve(__dirname, '../src')

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

describe('architecture', () => {
  it('imports only point down the layers of DESIGN.md', () => {
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
})
