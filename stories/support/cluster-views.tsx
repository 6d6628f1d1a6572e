import type { ReactNode } from 'react'
import type { DevtoolsStore } from '../../src/devtools/index.js'
import { EventLog, GroupTable, MosaikDevtools, PeerMesh, VersionTimeline } from './devtools.js'
import { Row } from './ui.js'

/** The devtools views the cell stories show under their cards: table, mesh, timeline, event log and the panel. */
export function ClusterViews(props: {
  store: DevtoolsStore
  storeId: string
  storageKey: string
  table?: boolean
  logLimit?: number
}): ReactNode {
  const { store, storeId, storageKey, table = true, logLimit = 40 } = props
  return (
    <>
      {table && <GroupTable store={store} />}
      <Row>
        <PeerMesh storeId={storeId} store={store} />
        <VersionTimeline storeId={storeId} store={store} width={520} />
        <EventLog store={store} limit={logLimit} />
      </Row>
      <MosaikDevtools store={store} storageKey={storageKey} />
    </>
  )
}
