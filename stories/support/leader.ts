import { useStore } from 'zustand'
import { leaderOf, selectGroup } from '../../src/devtools/selectors.js'
import type { DevtoolsStore } from '../../src/devtools/store.js'
import type { DemoCluster, DemoNode } from './cluster.js'

const none = { getState: () => undefined, subscribe: () => () => {} }

/** The current leader of `storeId` as the devtools see it, and its in-page node. */
export function useLeaderNode(cluster: DemoCluster | undefined, storeId: string): DemoNode | undefined {
  const leader = useStore((cluster?.store ?? none) as DevtoolsStore, (s) =>
    s ? leaderOf(selectGroup(s, { storeId })).leader : undefined,
  )
  return cluster?.nodes.find((n) => n.net.peerId === leader && !n.stopped)
}
