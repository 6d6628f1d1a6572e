// @vitest-environment happy-dom
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { type ComponentType, StrictMode } from 'react'
import { afterEach, expect, it } from 'vitest'
import { bound } from '../helpers/bounds.js'

// The README's first example is the code new users paste: run it as written (the package
// import pointed at the sources, the memory transport instead of the browser's) and click.

afterEach(() => cleanup())

it('the README React example renders, goes online and counts a click', async () => {
  const root = resolve(__dirname, '../..')
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Quick start: React\n'))
  const code = /```tsx\n([\s\S]*?)```/.exec(section)?.[1]
  expect(code, 'a tsx block in the README "Quick start: React" section').toBeDefined()
  const source = (code as string)
    .replace("from 'mosaik-react'", `from '${join(root, 'src/index.js')}'`)
    .replace("options={{ network: 'my-app' }}", "options={{ network: 'my-app', transport: 'memory' }}")
  expect(source).toContain("transport: 'memory'")
  const dir = join(root, '.tmp', `readme-react-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'app.tsx')
  writeFileSync(file, source)
  let App: ComponentType
  try {
    ;({ App } = (await import(pathToFileURL(file).href)) as { App: ComponentType })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
  expect(screen.getByText('Starting…')).toBeTruthy()
  const button = await waitFor(
    () => {
      const b = screen.getByRole<HTMLButtonElement>('button')
      expect(b.disabled, 'the counter button to enable (cell online)').toBe(false)
      return b
    },
    { timeout: bound(15_000) },
  )
  expect(button.textContent).toBe('Clicked 0 times')
  act(() => button.click())
  await waitFor(() => expect(screen.getByRole('button').textContent).toBe('Clicked 1 times'), {
    timeout: bound(10_000),
  })
  expect(screen.getByText(/^online, version \d+$/)).toBeTruthy()
})
