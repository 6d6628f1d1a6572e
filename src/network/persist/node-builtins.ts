import type * as Fs from 'node:fs'
import type * as Path from 'node:path'
import type * as Zlib from 'node:zlib'

/** Node's built-ins, reached without an import statement so the browser bundle never sees `node:fs`. */
export interface NodeBuiltins {
  readonly fs: typeof Fs
  readonly path: typeof Path
  readonly crc32: (data: Uint8Array) => number
}

/** `process.getBuiltinModule` (Node ≥ 22.3), or undefined outside Node. */
export function nodeBuiltins(): NodeBuiltins | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const get = p?.getBuiltinModule
  if (typeof get !== 'function') return undefined
  const zlib = get('node:zlib') as typeof Zlib
  return { fs: get('node:fs') as typeof Fs, path: get('node:path') as typeof Path, crc32: (d) => zlib.crc32(d) }
}
