import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, Record<string, string>>
  sideEffects: unknown
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : []
  })
}

/** The first statement of a module, past leading comments. */
function firstStatement(file: string): string {
  const text = readFileSync(file, 'utf8').replace(/^(\s*(\/\*[\s\S]*?\*\/|\/\/[^\n]*))*\s*/, '')
  return text.split('\n')[0] ?? ''
}

describe('the package', () => {
  it('lets require() load every entry on Node 22 (a "default" condition next to "import")', () => {
    for (const [entry, conditions] of Object.entries(pkg.exports)) {
      expect(conditions.default, entry).toBe(conditions.import)
      expect(Object.keys(conditions).at(-1), `${entry}: "default" comes last`).toBe('default')
    }
  })

  it('declares no side effects, and no module in src is imported for its side effects', () => {
    expect(pkg.sideEffects).toBe(false)
    const bare = files(join(ROOT, 'src')).filter((f) => /^import\s+['"]/m.test(readFileSync(f, 'utf8')))
    expect(bare.map((f) => relative(ROOT, f))).toEqual([])
  })

  it('marks the React entry points "use client" for the Next.js App Router, and only those', () => {
    for (const f of ['src/index.ts', 'src/devtools.ts', 'src/devtools/production.ts'])
      expect(firstStatement(join(ROOT, f)), f).toBe("'use client'")
    for (const f of ['src/core.ts', 'src/node.ts']) expect(firstStatement(join(ROOT, f)), f).not.toContain('use client')
  })
})
