/**
 * Devtools: see what the replicas of your groups are doing, live.
 *
 * | piece                 | shows                                                             |
 * |-----------------------|-------------------------------------------------------------------|
 * | `<MosaikDevtools />`  | floating panel: everything below, open/closed + dock remembered   |
 * | `<GroupTable />`      | every group, one row per member: role, term, leader, version, log |
 * | `<LeaderBadge />`     | the leader and term of one group                                  |
 * | `<VersionTimeline />` | committed versions over time per replica; elections and reverts   |
 * | `<PeerMesh />`        | the bond mesh; leader ringed, observers hollow, down bonds dashed |
 * | `<StreamTable />`     | streams: producers, consumers, links, rates, drops, refusals, lag |
 * | `<StoreWarnings />`   | a store opened with other options (typeName, sync, consensus) elsewhere |
 * | `useDevtoolsStore()`  | the zustand store behind them, for your own views                 |
 *
 * The store is fed by `network.onTelemetry` only while a devtools component is mounted,
 * folds events in at most every 250 ms, and keeps bounded history, so a mounted panel
 * costs little and an unmounted one nothing.
 *
 * ```tsx
 * <NetworkProvider options={{ network: 'my-app' }}>
 *   <App />
 *   <MosaikDevtools initialIsOpen={false} />
 * </NetworkProvider>
 * // several in-page nodes in one panel:
 * <MosaikDevtools networks={[a, b, c]} initialIsOpen />
 * <LeaderBadge storeId="app.config" network={a} />
 * ```
 */
export { EventLog, type EventLogProps } from './components/event-log.js'
export { GroupTable, type GroupTableProps } from './components/group-table.js'
export { LeaderBadge, type LeaderBadgeProps } from './components/leader-badge.js'
export { type DockSide, MosaikDevtoolsPanel, type MosaikDevtoolsProps } from './components/mosaik-devtools.js'
export { PeerMesh, type PeerMeshProps } from './components/peer-mesh.js'
export { PeerTable } from './components/peer-table.js'
export { StoreWarnings } from './components/store-warnings.js'
export { StreamTable } from './components/stream-table.js'
export { peerColor, shortPeer } from './components/theme.js'
export { VersionTimeline, type VersionTimelineProps } from './components/version-timeline.js'
export { DevtoolsProvider, type DevtoolsSourceProps, useDevtoolsStore, useDevtoolsStoreApi } from './context.js'
export * from './selectors.js'
export * from './state.js'
export * from './store.js'
