import { readFileSync } from 'node:fs'

/**
 * The key types `@libp2p/crypto` decodes besides Ed25519, by folder under
 * `@libp2p/crypto/dist/src/keys/`. mosaik-react peers always use Ed25519 keys; libp2p, noise,
 * identify and peer-id still reach every type through `publicKeyFromProtobuf` and friends,
 * which bundles RSA's DER parsing, secp256k1 and the NIST curves (`@noble/curves`'
 * Weierstrass code) into every browser app.
 */
const LEFT_OUT = /[\\/]@libp2p[\\/]crypto[\\/]dist[\\/]src[\\/]keys[\\/](rsa|secp256k1|ecdsa)[\\/][^\\/]+\.js$/

/** What Vite needs of a plugin (structural, so this file does not import Vite). */
export interface BundlerPlugin {
  readonly name: string
  readonly enforce: 'pre'
  readonly apply: 'build'
  load(id: string): string | null
}

/**
 * An opt-in Vite plugin for production builds of a browser app whose peers all use
 * Ed25519 keys, as every mosaik-react peer does: the RSA, secp256k1 and ECDSA modules of
 * `@libp2p/crypto` are replaced by stubs that throw libp2p's `UnsupportedKeyTypeError`. A peer
 * that presents such a key then fails its noise handshake, and a peer id that embeds one is
 * refused where our code parses it (discovery counts it as malformed). Nothing else changes:
 * Ed25519 keys, their peer ids and signatures work as before.
 *
 * ```ts
 * // vite.config.ts
 * import { ed25519Only } from 'mosaik-react/vite'
 * export default { plugins: [ed25519Only()] }
 * ```
 *
 * Only production builds are affected (`apply: 'build'`): in `vite dev` the pre-bundled
 * dependencies keep every key type. Its one hook is a plain Rollup `load`, but only Vite
 * (8, on Rolldown) is tested. The stubs keep each module's export names, read from the
 * installed module, so a newer `@libp2p/crypto` still links; a name used as a value (an OID,
 * a key length) becomes the throwing function and never compares equal.
 */
export function ed25519Only(): BundlerPlugin {
  return {
    name: 'mosaik-react:ed25519-only',
    enforce: 'pre',
    apply: 'build',
    load(id) {
      const file = id.split('?')[0] ?? id
      const kind = LEFT_OUT.exec(file)?.[1]
      if (!kind) return null
      return stubModule(exportNames(readFileSync(file, 'utf8')), kind)
    },
  }
}

/**
 * The names an ES module exports, from the forms tsc emits: `export function|class|const|let|var
 * NAME`, `export async function NAME` and `export { a, b as c }` (with or without `from`).
 * `export *` and default exports do not occur in the stubbed modules; a module with one throws,
 * so a change upstream fails the build instead of linking a stub that lacks names.
 */
export function exportNames(source: string): string[] {
  if (/^export\s+(\*|default\b)/m.test(source))
    throw new Error('ed25519Only: a stubbed @libp2p/crypto module has `export *` or a default export')
  const names = new Set<string>()
  for (const m of source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|class|const|let|var)\s+([\w$]+)/gm))
    names.add(m[1] as string)
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm))
    for (const part of (m[1] as string).split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .at(-1)
      if (name) names.add(name)
    }
  return [...names].sort()
}

/** A module exporting `names`, each one function that throws `UnsupportedKeyTypeError`. */
export function stubModule(names: readonly string[], kind: string): string {
  const message = JSON.stringify(`${kind} keys are left out of this build (mosaik-react/vite ed25519Only)`)
  const list = names.map((n) => `unsupported as ${n}`).join(', ')
  return [
    "import { UnsupportedKeyTypeError } from '@libp2p/interface'",
    `function unsupported() { throw new UnsupportedKeyTypeError(${message}) }`,
    names.length > 0 ? `export { ${list} }` : 'export {}',
    '',
  ].join('\n')
}
