#!/usr/bin/env node
// The published package runs the compiled CLI; a source checkout without `dist/` runs the
// TypeScript sources through tsx (a devDependency).
let cli
try {
  cli = await import('../dist/node/cli.js')
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
  const { register } = await import('tsx/esm/api')
  register()
  cli = await import('../src/node/cli.ts')
}
process.exitCode = await cli.main(process.argv.slice(2))
