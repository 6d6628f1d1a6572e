import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runTranscript } from './transcript.js'

const dir = join(import.meta.dirname, 'testdata')

describe('raft transcripts (testdata/*.txt; UPDATE=1 rewrites them)', () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const source = readFileSync(join(dir, file), 'utf8')
    const title = source.split('\n')[0]?.replace(/^#\s*/, '') ?? file
    it(`${title} (${file})`, () => {
      const output = runTranscript(source)
      if (process.env.UPDATE) writeFileSync(join(dir, file), output)
      else expect(output).toBe(source)
    })
  }
})
