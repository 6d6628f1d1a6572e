/**
 * `mosaik-react/devtools/production`: the devtools that render in production builds too.
 * Import from here only when you mean to ship them (e.g. behind a flag or lazily):
 *
 * ```tsx
 * const Devtools = lazy(() => import('mosaik-react/devtools/production').then((m) => ({ default: m.MosaikDevtools })))
 * ```
 */
'use client'

export { MosaikDevtoolsPanel as MosaikDevtools } from './components/mosaik-devtools.js'
export * from './index.js'
