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
export {
  type Bond,
  type CommitPoint,
  createDevtoolsStore,
  DEFAULT_LIMITS,
  DevtoolsProvider,
  type DevtoolsSourceProps,
  type DevtoolsState,
  type DevtoolsStore,
  type DevtoolsStoreOptions,
  type DockSide,
  devtoolsStoreFor,
  EMPTY_STATE,
  EventLog,
  type EventLogProps,
  edgeKey,
  type FlushScheduler,
  type GroupInfo,
  type GroupRef,
  GroupTable,
  type GroupTableProps,
  groupIdOf,
  type HistoryLimits,
  hexOf,
  LeaderBadge,
  type LeaderBadgeProps,
  type LeaderChange,
  type LeaderView,
  type LoggedEvent,
  leaderOf,
  type MeshEdge,
  MosaikDevtoolsPanel,
  type MosaikDevtoolsProps,
  type NodeInfo,
  PeerMesh,
  type PeerMeshProps,
  PeerTable,
  type Preference,
  peerColor,
  type RejectedInput,
  type ReplicaInfo,
  type RevertMark,
  type Role,
  type SyncSession,
  sameLeader,
  selectGroup,
  shallowEqual,
  shortPeer,
  sortedReplicas,
  type TelemetrySource,
  useDevtoolsStore,
  useDevtoolsStoreApi,
  VersionTimeline,
  type VersionTimelineProps,
  type VoteRecord,
} from './index.js'
