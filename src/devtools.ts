/**
 * `mosaik-react/devtools`. Like TanStack Query's devtools, the visual components render
 * nothing when `process.env.NODE_ENV === 'production'` (bundlers inline it); the store,
 * selectors and `useDevtoolsStore` keep working. To ship the panel in production, import
 * from `mosaik-react/devtools/production` instead.
 */
'use client'

import type { ReactNode } from 'react'
import * as Devtools from './devtools/index.js'

export * from './devtools/index.js'

type View<C extends (props: never) => ReactNode> = (props: Parameters<C>[0]) => ReactNode

const off = (): ReactNode => null
// `process.env.NODE_ENV` is read directly in each export, as React itself does, so that
// bundlers inline it, fold each ternary to `off` and drop the panel code from production
// bundles.

/** The floating panel (see `MosaikDevtoolsPanel`); `null` in production builds. */
export const MosaikDevtools: View<typeof Devtools.MosaikDevtoolsPanel> =
  process.env.NODE_ENV === 'production' ? off : Devtools.MosaikDevtoolsPanel
export const GroupTable: View<typeof Devtools.GroupTable> =
  process.env.NODE_ENV === 'production' ? off : Devtools.GroupTable
export const LeaderBadge: View<typeof Devtools.LeaderBadge> =
  process.env.NODE_ENV === 'production' ? off : Devtools.LeaderBadge
export const VersionTimeline: View<typeof Devtools.VersionTimeline> =
  process.env.NODE_ENV === 'production' ? off : Devtools.VersionTimeline
export const PeerMesh: View<typeof Devtools.PeerMesh> = process.env.NODE_ENV === 'production' ? off : Devtools.PeerMesh
export const PeerTable: View<typeof Devtools.PeerTable> =
  process.env.NODE_ENV === 'production' ? off : Devtools.PeerTable
export const EventLog: View<typeof Devtools.EventLog> = process.env.NODE_ENV === 'production' ? off : Devtools.EventLog
export const StreamTable: View<typeof Devtools.StreamTable> =
  process.env.NODE_ENV === 'production' ? off : Devtools.StreamTable
export const StoreWarnings: View<typeof Devtools.StoreWarnings> =
  process.env.NODE_ENV === 'production' ? off : Devtools.StoreWarnings
