/**
 * Folds a batch of telemetry events into a new `DevtoolsState` with structural sharing:
 * an object is copied at most once per batch, the first time something under it changes;
 * everything else keeps its identity. Bounded arrays are trimmed as they grow, which is
 * what keeps memory flat (the "ring buffers" of the devtools).
 */
import type { PeerId } from '../core/id.js'
import type { GroupTelemetry, TelemetryEvent } from '../core/telemetry.js'
import { Draft, type Mutable } from './draft.js'
import { dropStreamsOf, reduceStream } from './reduce-streams.js'
import { type DevtoolsState, edgeKey, type GroupInfo, type HistoryLimits } from './state.js'

/** The last six characters of a peer id, as the devtools show it. */
export const short = (peer: PeerId | undefined): string => (peer ? peer.slice(-6) : '—')

function removeReplica(d: Draft, g: Mutable<GroupInfo>, peer: PeerId): void {
  const replicas = d.own(g.replicas)
  g.replicas = replicas
  delete replicas[peer]
  const mesh = d.own(g.mesh)
  g.mesh = mesh
  for (const [key, edge] of Object.entries(mesh)) if (edge.a === peer || edge.b === peer) delete mesh[key]
  if (Object.keys(replicas).length === 0) {
    const groups = d.own(d.root.groups)
    d.root.groups = groups
    delete groups[g.id]
    if (g.store && d.root.storeIndex[g.store] === g.id) {
      const index = d.own(d.root.storeIndex)
      d.root.storeIndex = index
      delete index[g.store]
    }
  }
}

function setEdge(d: Draft, g: Mutable<GroupInfo>, a: PeerId, b: PeerId, up: boolean, at: number): void {
  const key = edgeKey(a, b)
  const current = g.mesh[key]
  if (current && current.up === up) return
  const mesh = d.own(g.mesh)
  g.mesh = mesh
  mesh[key] = a < b ? { a, b, up, at } : { a: b, b: a, up, at }
  if (!up) forgetOldest(mesh, d.limits().downBonds)
}

/** Keeps at most `keep` bonds that are down (peers come and go for hours), dropping the oldest. */
function forgetOldest<T extends { up: boolean; at?: number }>(map: Record<string, T>, keep: number): void {
  const down = Object.entries(map).filter(([, v]) => !v.up)
  if (down.length <= keep) return
  down.sort(([, x], [, y]) => (x.at ?? 0) - (y.at ?? 0))
  for (const [k] of down.slice(0, down.length - keep)) delete map[k]
}

function reduceGroup(d: Draft, e: GroupTelemetry): void {
  if (e.type === 'group.joined') {
    const g = d.group(e.group)!
    if (e.store && g.store !== e.store) {
      g.store = e.store
      d.root.storeIndex = { ...d.root.storeIndex, [e.store]: e.group }
    }
    if (e.kind) g.kind = e.kind
    const r = d.replica(g, e.peer)
    r.preference = e.preference
    r.active = true
    d.log(e, `joined ${e.group.slice(0, 10)} as ${e.preference}`)
    return
  }
  const g = d.group(e.group, e.type !== 'group.left')
  if (!g) return
  switch (e.type) {
    case 'group.left':
      removeReplica(d, g, e.peer)
      d.log(e, `left ${e.group.slice(0, 10)}`)
      return
    case 'group.state': {
      const r = d.replica(g, e.peer)
      const visible = r.role !== e.role || r.term !== e.term || r.leader !== e.leader || r.online !== e.online
      if (visible) d.log(e, `${e.role} t${e.term} leader ${short(e.leader)}${e.online ? '' : ' offline'}`)
      if (e.commit !== r.commit) d.commitPoint(r, { at: e.at, version: e.commit })
      Object.assign(r, {
        role: e.role,
        term: e.term,
        leader: e.leader,
        commit: e.commit,
        applied: e.applied,
        logLength: e.logLength,
        online: e.online,
        active: true,
      })
      d.leaderChange(g, e.at, e.term, e.leader, e.peer)
      return
    }
    case 'group.size': {
      d.replica(g, e.peer).size = e.size
      return
    }
    case 'group.committed': {
      const r = d.replica(g, e.peer)
      if (e.version > r.commit) {
        r.commit = e.version
        r.applied = Math.max(r.applied, e.version)
      }
      d.commitPoint(r, { at: e.at, version: e.version })
      return
    }
    case 'group.bond': {
      const r = d.replica(g, e.peer)
      const bond = e.remotePreference ? { up: e.up, at: e.at, preference: e.remotePreference } : { up: e.up, at: e.at }
      const bonds = { ...r.bonds, [e.remote]: bond }
      if (!e.up) forgetOldest(bonds, d.limits().downBonds)
      r.bonds = bonds
      setEdge(d, g, e.peer, e.remote, e.up, e.at)
      d.log(e, `bond ${short(e.remote)} ${e.up ? 'up' : 'down'}`)
      return
    }
    case 'group.mesh':
      // A member's view of a bond between two others. The endpoints' own bond reports are
      // better evidence (a departing member reports every pair down as it tears down), so
      // a third party's report is used only for pairs with no endpoint in view.
      if (e.peer !== e.a && e.peer !== e.b && (g.replicas[e.a] || g.replicas[e.b])) return
      setEdge(d, g, e.a, e.b, e.up, e.at)
      return
    case 'group.vote': {
      const r = d.replica(g, e.peer)
      r.lastVote = { at: e.at, term: e.term, candidate: e.candidate, vote: e.vote }
      d.log(e, `vote t${e.term} ${short(e.candidate)}: ${e.vote}`)
      return
    }
    case 'group.sync': {
      const r = d.replica(g, e.peer)
      r.sync = { at: e.at, phase: e.phase, position: e.position, items: e.items, sources: e.sources }
      // An installed snapshot moves the replica to its position without `group.committed`.
      if (e.phase === 'installed' && e.position !== undefined && e.position > r.commit) {
        r.commit = e.position
        r.applied = Math.max(r.applied, e.position)
        d.commitPoint(r, { at: e.at, version: e.position })
      }
      d.log(e, `sync ${e.phase}${e.position === undefined ? '' : ` @${e.position}`}`)
      return
    }
    case 'group.refused': {
      const r = d.replica(g, e.peer)
      const refusal = { at: e.at, remote: e.remote, reason: e.reason, detail: e.detail }
      r.refused = d.push(r.refused, refusal, d.limits().markSize)
      d.log(e, `refused ${short(e.remote)}: ${e.reason}`)
      return
    }
    case 'group.reverted': {
      const r = d.replica(g, e.peer)
      r.reverted += 1
      const dropped = Math.max(0, r.commit - e.version)
      r.commit = e.version
      d.commitPoint(r, { at: e.at, version: e.version, reverted: true })
      g.reverts = d.push(g.reverts, { at: e.at, peer: e.peer, version: e.version, dropped }, d.limits().markSize)
      d.root.totals = { ...d.root.totals, reverts: d.root.totals.reverts + 1 }
      d.log(e, `reverted to ${e.version}`)
      return
    }
  }
}

function reduceOne(d: Draft, e: TelemetryEvent): void {
  switch (e.type) {
    case 'network.started': {
      const n = d.node(e.peer)
      Object.assign(n, { network: e.network, addresses: e.addresses, running: true, startedAt: e.at })
      d.log(e, `started on ${e.network.slice(0, 10)}`)
      return
    }
    case 'network.stopped': {
      const n = d.node(e.peer)
      Object.assign(n, { running: false, stoppedAt: e.at, connected: {} })
      for (const g of Object.values(d.root.groups)) {
        if (g.replicas[e.peer]) removeReplica(d, d.group(g.id)!, e.peer)
      }
      dropStreamsOf(d, e.peer)
      d.trimStopped()
      d.log(e, 'stopped')
      return
    }
    case 'network.status': {
      const n = d.node(e.peer)
      const was = n.status?.status
      n.status = { status: e.status, peers: e.peers, relays: e.relays, reason: e.reason, at: e.at }
      if (was !== e.status) d.log(e, `network ${e.status}${e.reason ? `: ${e.reason}` : ''}`)
      return
    }
    case 'peer.connected':
    case 'peer.disconnected': {
      const n = d.node(e.peer)
      const connected = d.own(n.connected)
      n.connected = connected
      if (e.type === 'peer.connected') connected[e.remote] = true
      else delete connected[e.remote]
      d.log(e, `${e.type === 'peer.connected' ? 'connected' : 'disconnected'} ${short(e.remote)}`)
      return
    }
    case 'discovery.discovered':
    case 'discovery.updated':
    case 'discovery.departed': {
      const n = d.node(e.peer)
      const has = n.discovered[e.remote] === true
      if (e.type === 'discovery.departed' ? has : !has) {
        const discovered = d.own(n.discovered)
        n.discovered = discovered
        if (e.type === 'discovery.departed') delete discovered[e.remote]
        else discovered[e.remote] = true
      }
      if (e.type !== 'discovery.updated') d.log(e, `${e.type.slice(10)} ${short(e.remote)}`)
      return
    }
    case 'discovery.mismatch': {
      const { type: _type, ...rest } = e
      const same = (w: (typeof d.root.warnings)[number]) =>
        w.peer === e.peer && w.remote === e.remote && w.store === e.store && w.remoteGroup === e.remoteGroup
      if (!d.root.warnings.some(same)) d.root.warnings = d.push(d.root.warnings, rest, d.limits().rejectedSize)
      d.log(e, `mismatch: ${e.detail}`)
      return
    }
    case 'input.rejected': {
      const n = d.node(e.peer)
      n.rejected += 1
      const { type: _type, ...rest } = e
      d.root.rejected = d.push(d.root.rejected, rest, d.limits().rejectedSize)
      d.root.totals = { ...d.root.totals, rejected: d.root.totals.rejected + 1 }
      d.log(e, `rejected ${e.reason} from ${short(e.remote)} on ${e.protocol}`)
      return
    }
    case 'stream.opened':
    case 'stream.closed':
    case 'stream.link':
    case 'stream.stats':
    case 'stream.refused':
      reduceStream(d, e)
      return
    case 'stream.rtt':
      return
    case 'persist.recovered':
    case 'persist.refused':
    case 'persist.failed':
      d.log(e, `${e.type.slice(8)} ${e.namespace === 'network' ? 'store' : short(e.namespace)}: ${e.detail}`)
      return
    default:
      reduceGroup(d, e)
  }
}

/**
 * Applies `events` (in order) to `state`. Returns `state` itself when the batch is
 * empty. `seq` numbers the event log lines; the new value is returned alongside.
 */
export function reduceBatch(
  state: DevtoolsState,
  events: readonly TelemetryEvent[],
  limits: HistoryLimits,
  seq: number,
): { state: DevtoolsState; seq: number } {
  if (events.length === 0) return { state, seq }
  const d = new Draft(state, limits, seq)
  let now = state.now
  for (const e of events) {
    reduceOne(d, e)
    if (e.at > now) now = e.at
  }
  d.root.now = now
  d.root.totals = { ...d.root.totals, events: d.root.totals.events + events.length }
  return { state: d.root, seq: d.seq }
}
