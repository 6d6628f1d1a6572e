/** The streams part of the devtools reducer: producers, consumers, links, rates and drops. */
import type { PeerId } from '../core/id.js'
import type { StreamTelemetry, TelemetryEvent } from '../core/telemetry.js'
import type { Mutable } from './draft.js'
import type { DevtoolsState, StreamEndpoint, StreamInfo } from './state.js'

/** What this reducer needs of reduce.ts's batch draft (structural, so the two files import in one direction). */
export interface Draft {
  readonly root: Mutable<DevtoolsState>
  own<T extends object>(o: T): Mutable<T>
  fresh<T extends object>(o: T): Mutable<T>
  log(event: TelemetryEvent, text: string): void
}

const sideOf = (role: 'producer' | 'consumer') => (role === 'producer' ? 'producers' : 'consumers')

function stream(d: Draft, id: string): Mutable<StreamInfo> {
  const streams = d.own(d.root.streams)
  d.root.streams = streams
  const current = streams[id]
  const next = current ? d.own(current) : d.fresh<StreamInfo>({ id, producers: {}, consumers: {} })
  streams[id] = next
  return next
}

function endpoint(
  d: Draft,
  s: Mutable<StreamInfo>,
  role: 'producer' | 'consumer',
  peer: PeerId,
): Mutable<StreamEndpoint> {
  const side = d.own(s[sideOf(role)])
  s[sideOf(role)] = side
  const current = side[peer]
  const next = current
    ? d.own(current)
    : d.fresh<StreamEndpoint>({
        peer,
        role,
        links: {},
        datums: 0,
        bytes: 0,
        dropped: 0,
        refused: 0,
        lag: 0,
        rate: 0,
        at: 0,
      })
  side[peer] = next
  return next
}

function removeEndpoint(d: Draft, id: string, role: 'producer' | 'consumer', peer: PeerId): void {
  const current = d.root.streams[id]
  if (!current?.[sideOf(role)][peer]) return
  const s = stream(d, id)
  const side = d.own(s[sideOf(role)])
  s[sideOf(role)] = side
  delete side[peer]
  if (Object.keys(s.producers).length === 0 && Object.keys(s.consumers).length === 0) {
    const streams = d.own(d.root.streams)
    d.root.streams = streams
    delete streams[id]
  }
}

export function reduceStream(d: Draft, e: Exclude<StreamTelemetry, { type: 'stream.rtt' }>): void {
  const name = e.stream.slice(0, 10)
  switch (e.type) {
    case 'stream.opened':
      endpoint(d, stream(d, e.stream), e.role, e.peer)
      d.log(e, `${e.role} of stream ${name} opened`)
      return
    case 'stream.closed':
      removeEndpoint(d, e.stream, e.role, e.peer)
      d.log(e, `${e.role} of stream ${name} closed`)
      return
    case 'stream.link': {
      const ep = endpoint(d, stream(d, e.stream), e.role, e.peer)
      if ((ep.links[e.remote] === true) !== e.up) {
        const links = d.own(ep.links)
        ep.links = links
        if (e.up) links[e.remote] = true
        else delete links[e.remote]
      }
      const peer = e.remote.slice(-6)
      d.log(e, `stream ${name}: ${e.up ? 'linked to' : 'unlinked from'} ${peer}${e.reason ? ` (${e.reason})` : ''}`)
      return
    }
    case 'stream.refused':
      d.log(e, `stream ${name}: refused ${e.remote.slice(-6)} (${e.reason})`)
      return
    case 'stream.stats': {
      const ep = endpoint(d, stream(d, e.stream), e.role, e.peer)
      const seconds = (e.at - ep.at) / 1000
      ep.rate = ep.at > 0 && seconds > 0 ? Math.max(0, (e.datums - ep.datums) / seconds) : 0
      Object.assign(ep, {
        datums: e.datums,
        bytes: e.bytes,
        dropped: e.dropped,
        refused: e.refused,
        lag: e.lag,
        at: e.at,
      })
      return
    }
  }
}

/** A stopped network's endpoints disappear from every stream. */
export function dropStreamsOf(d: Draft, peer: PeerId): void {
  for (const s of Object.values(d.root.streams)) {
    if (s.producers[peer]) removeEndpoint(d, s.id, 'producer', peer)
    if (s.consumers[peer]) removeEndpoint(d, s.id, 'consumer', peer)
  }
}
