import type { NoiseEncrypt } from './noise-decoder.js'

/**
 * Browsers keep noise's own encrypt (its pure-JS cipher): the slab sealing of
 * `noise-crypto.ts` needs the wasm cipher of noise's Node build. Bundlers pick this file for
 * browsers through the `browser` field of package.json.
 */
export function slabSealing(own: NoiseEncrypt): NoiseEncrypt {
  return own
}
