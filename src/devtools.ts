/**
 * `mosaik-react/devtools`. Like TanStack Query's devtools, the visual components render
 * nothing when `process.env.NODE_ENV === 'production'` (bundlers inline it); the store,
 * selectors and `useDevtoolsStore` keep working. To ship the panel in production, import
 * from `mosaik-react/devtools/production` instead.
 */
import type { ReactNode } from 'react'
import * as Devtools from './devtools/index.js'

export * from './devtools/index.js'

function isProduction(): boolean {
  try {
    // Bundlers replace `process.env.NODE_ENV` textually; without a bundler `process` may not exist.
    return process.env.NODE_ENV === 'production'
  } catch {
    return false
  }
}

type View<C extends (props: never) => ReactNode> = (props: Parameters<C>[0]) => ReactNode

const off = (): ReactNode => null
const prod = isProduction()

/** The floating panel (see `MosaikDevtoolsPanel`); `null` in production builds. */
export const MosaikDevtools: View<typeof Devtools.MosaikDevtoolsPanel> = prod ? off : Devtools.MosaikDevtoolsPanel
export const GroupTable: View<typeof Devtools.GroupTable> = prod ? off : Devtools.GroupTable
export const LeaderBadge: View<typeof Devtools.LeaderBadge> = prod ? off : Devtools.LeaderBadge
export const VersionTimeline: View<typeof Devtools.VersionTimeline> = prod ? off : Devtools.VersionTimeline
export const PeerMesh: View<typeof Devtools.PeerMesh> = prod ? off : Devtools.PeerMesh
export const PeerTable: View<typeof Devtools.PeerTable> = prod ? off : Devtools.PeerTable
export const EventLog: View<typeof Devtools.EventLog> = prod ? off : Devtools.EventLog
