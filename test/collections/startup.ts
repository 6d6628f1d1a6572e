/**
 * Simultaneous starts, as an app's pages do them (issue #16): networks started one after
 * another, each bootstrapping from the first two, a cell opened on each right after its
 * network starts, each writer writing once, and `stallMs` of synchronous work after each open
 * (React rendering the page). Shared by the tests (a few trials) and
 * `npm run trials` (100 of each), which count splits, reverts and acknowledged writes lost.
 */
import { Cell, type CellOptions, type CellReader } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import type { PeerId, Version } from '../../src/core/id.js'
import { UniqueId } from '../../src/core/id.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { Network, type NetworkOptions } from '../../src/network/network.js'
import { allKnowEachOther, until } from '../network/helpers.js'

export interface StartupSetup {
  readonly writers: number
  readonly readers: number
  /** Synchronous busy-wait after each open, ms (0: none). */
  readonly stallMs: number
  /** Consensus timings; default: the library's defaults. */
  readonly consensus?: CellOptions<string>['consensus']
  /** Network options of peer `i` (transport, listen …); default: memory transport. */
  readonly network?: (
    i: number,
    started: readonly Network[],
  ) => Partial<NetworkOptions> | Promise<Partial<NetworkOptions>>
  /** Bootstrap addresses of peer `i`; default: the first address of each of the first two peers. */
  readonly bootstrap?: (i: number, started: readonly Network[]) => string[]
  /**
   * Start every network first and wait until they all know each other (catalogs exchanged
   * before any member joined), then open the cells one after another: a page whose provider
   * connected before its components mounted.
   */
  readonly openAfterConnect?: boolean
  /** Pause between two starts (after the stall), ms; default 0. */
  readonly gapMs?: number
  /** Bound of the whole trial, s. */
  readonly boundS?: number
  /** Network name (a relay serves one); default: a fresh one per trial. */
  readonly name?: string
  /** Receives every telemetry event of every peer (for tracing a trial). */
  readonly trace?: (e: TelemetryEvent) => void
}

export interface StartupOutcome {
  /** Distinct peers that ever led the group. */
  readonly leaders: number
  /** `group.reverted` events over all members. */
  readonly reverts: number
  readonly acknowledged: number
  /** Acknowledged writes whose acknowledging member later rolled back below their version. */
  readonly lost: number
  /** From the last network's start until every member follows one online leader at one commit, ms. */
  readonly agreeMs: number
}

/** Busy-waits `ms`: the event loop is held as a page's render holds it. */
export function stall(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // spin
  }
}

interface Ack {
  readonly peer: PeerId
  readonly version: Version
  /** Index in the event record when the write resolved. */
  readonly seq: number
}

/** Runs one trial and stops everything it started. */
export async function startupTrial(setup: StartupSetup): Promise<StartupOutcome> {
  const name = `startup-${UniqueId.random().short()}`
  const store = UniqueId.random().toString()
  const events: TelemetryEvent[] = []
  const nets: Network[] = []
  const cells: CellReader<string>[] = []
  const acks: Ack[] = []
  const writes: Promise<unknown>[] = []
  const options: CellOptions<string> = { typeName: 'string', ...(setup.consensus && { consensus: setup.consensus }) }
  const total = setup.writers + setup.readers
  const bound = (setup.boundS ?? 30) * 1000
  let lastStart = 0
  try {
    const open = (i: number, net: Network) => {
      if (i < setup.writers) {
        const w = Cell.writer<string>(net, store, options)
        cells.push(w)
        writes.push(w.write(`w${i}`).then((version) => acks.push({ peer: net.peerId, version, seq: events.length })))
      } else cells.push(Cell.reader<string>(net, store, options))
      if (setup.stallMs > 0) stall(setup.stallMs)
    }
    for (let i = 0; i < total; i++) {
      const bootstrap = setup.bootstrap
        ? setup.bootstrap(i, nets)
        : nets.slice(0, 2).flatMap((n) => n.addresses().slice(0, 1))
      lastStart = performance.now()
      const extra = await setup.network?.(i, nets)
      const net = await Network.create({ network: setup.name ?? name, transport: 'memory', bootstrap, ...extra })
      nets.push(net)
      net.onTelemetry((e) => {
        events.push(e)
        setup.trace?.(e)
      })
      if (!setup.openAfterConnect) open(i, net)
      // The gap is the scenario (pages opened one after another), not a wait for an event.
      if (setup.gapMs && i < total - 1) await new Promise((r) => setTimeout(r, setup.gapMs))
    }
    if (setup.openAfterConnect) {
      await until(nets, 'every network to know every other', () => allKnowEachOther(nets), bound)
      lastStart = performance.now()
      for (const [i, net] of nets.entries()) open(i, net)
    }
    await withTimeout(Promise.allSettled(writes), bound, 'every write to settle')
    await withTimeout(agreed(cells), bound, 'every member to follow one online leader at one version')
    const agreeMs = performance.now() - lastStart
    return outcome(events, acks, agreeMs)
  } finally {
    await Promise.all(cells.map((c) => c.close()))
    await Promise.all(nets.map((n) => n.stop()))
  }
}

/** Resolves once every cell is online under one leader at one version. */
function agreed(cells: readonly CellReader<string>[]): Promise<void> {
  const check = () => {
    const s = cells.map((c) => c.getSnapshot())
    const first = s[0]
    return !!first && s.every((x) => x.online && x.leader === first.leader && x.version === first.version)
  }
  return new Promise((resolve) => {
    const offs: Array<() => void> = []
    const poke = () => {
      if (!check()) return
      for (const off of offs) off()
      resolve()
    }
    for (const c of cells) offs.push(c.subscribe(poke))
    poke()
  })
}

function outcome(events: readonly TelemetryEvent[], acks: readonly Ack[], agreeMs: number): StartupOutcome {
  const leaders = new Set<PeerId>()
  let reverts = 0
  const lost = new Set<Ack>()
  for (const [seq, e] of events.entries()) {
    if (e.type === 'group.state' && e.role === 'leader') leaders.add(e.peer)
    if (e.type !== 'group.reverted') continue
    reverts++
    for (const a of acks) if (a.peer === e.peer && a.seq <= seq && a.version > e.version) lost.add(a)
  }
  return { leaders: leaders.size, reverts, acknowledged: acks.length, lost: lost.size, agreeMs }
}
