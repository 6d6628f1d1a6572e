/**
 * Module hooks that run the benchmarks on our TypeScript compiled as the package ships it.
 * tsx (which runs the tests and scripts) compiles with esbuild's `keepNames`, which calls a
 * helper to rename every function and closure it creates at run time: a few per cent of a
 * commit's CPU that no user pays (tsc's output, `dist/`, has no such calls). Here each `.ts`
 * or `.tsx` file is compiled alone by esbuild's `transform` with the repository's compiler
 * options and no `keepNames`, and a `./x.js` import that has no such file resolves to
 * `./x.ts` (or `.tsx`), as TypeScript's bundler resolution does.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

const ROOT = new URL('../../', import.meta.url)
const tsconfig = JSON.parse(await readFile(new URL('tsconfig.json', ROOT), 'utf8'))
const { target, jsx, verbatimModuleSyntax, useDefineForClassFields } = tsconfig.compilerOptions
const tsconfigRaw = { compilerOptions: { target, jsx, verbatimModuleSyntax, useDefineForClassFields } }

const local = (specifier) => specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (err) {
    if (!local(specifier) || !specifier.endsWith('.js')) throw err
    for (const ext of ['.ts', '.tsx']) {
      try {
        return await next(`${specifier.slice(0, -3)}${ext}`, context)
      } catch {
        // Try the next extension; the original error is the one worth reporting.
      }
    }
    throw err
  }
}

export async function load(url, context, next) {
  if (!/\.tsx?$/.test(url) || url.includes('/node_modules/')) return next(url, context)
  const file = fileURLToPath(url)
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: url.endsWith('.tsx') ? 'tsx' : 'ts',
    format: 'esm',
    target: target.toLowerCase(),
    jsx: 'automatic',
    sourcemap: 'inline',
    sourcefile: file,
    tsconfigRaw,
  })
  return { format: 'module', source: code, shortCircuit: true }
}
