/**
 * `mosaik-react/vite`: build-time helpers for apps bundled with Vite. Nothing here
 * runs in the browser; import it from `vite.config.ts`.
 */
export { type BundlerPlugin, ed25519Only } from './bundler/ed25519-only.js'
