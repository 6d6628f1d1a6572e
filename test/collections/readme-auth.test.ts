import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'

// The README's access control example is code users copy: run it as written (the package
// import pointed at the sources) and check what it prints.

it('the README access control example runs: a reader-ticket holder reads but cannot write, an outsider sees nothing', async () => {
  const root = resolve(__dirname, '../..')
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Access control\n'))
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  expect(code, 'a ts block in the README Access control section').toBeDefined()
  const dir = join(root, '.tmp', `readme-auth-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'auth-example.ts')
  writeFileSync(file, (code as string).replace("'mosaik-react/core'", `'${join(root, 'src/core.js')}'`))
  const lines: unknown[][] = []
  const log = console.log
  console.log = (...args: unknown[]) => lines.push(args)
  try {
    await import(pathToFileURL(file).href)
  } finally {
    console.log = log
    rmSync(dir, { recursive: true, force: true })
  }
  expect(lines).toEqual([['hello'], ['unauthorized'], [undefined, false]])
})
