import { afterEach, describe, expect, it } from 'vitest'
import { withTimeout } from '../../../src/core/async.js'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import { bound } from '../../helpers/bounds.js'
import { Nets } from '../../network/helpers.js'
import { joinCounter, type Member, networks, type Transport } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

/** Election timing is not what this file measures: a shorter bootstrap delay saves time. */
const QUICK = { bootstrapDelay: 500 }
/**
 * 40 batches: more than there are members, so every member in the pool gets one at once.
 * A batch's fetch timeout is a bound a loaded machine must fit in (a member timed out
 * leaves the pool, which is not what this file tests).
 */
const SYNC = { fetchBatchSize: 250, fetchTimeout: bound(5_000) }
const nets = new Nets()
afterEach(() => nets.stopAll())

type SyncEvent = Extract<TelemetryEvent, { type: 'group.sync' }>

describe.each<Transport>(['memory', 'tcp'])('catching up over %s', (transport) => {
  it('a late joiner catches up by snapshot from every member that offered, after 10,000 commands', async () => {
    const ns = await networks(nets, transport, 4)
    const key = `catch-up-${transport}`
    const ms = ns.slice(0, 3).map((n) => joinCounter(n, key, 'normal', QUICK, SYNC))
    const gs = ms.map((m) => m.group)
    await waitFor(gs, 'three members online', () => gs.every((g) => g.getSnapshot().online), 15_000)
    const writer = ms[0] as Member
    let last = 0
    for (let i = 0; i < 10_000; i += 500) {
      const batch = Array.from({ length: 500 }, (_, j) => ({ k: `key-${i + j}`, by: 1 }))
      last = (await writer.group.executeMany(batch)).last
    }
    await withTimeout(Promise.all(gs.map((g) => g.when.reaches(last))), bound(30_000), `every member at ${last}`)
    // The log stays bounded: compacted below the applied point. A snapshot the leader still
    // holds for a member that lagged under load pins the log until its TTL ends, so this
    // waits for the compaction instead of reading the length once. Every member's log, not
    // the leader's of the moment: a loaded machine may elect another member (or be between
    // leaders) while this waits, and whoever leads when the late joiner comes must have
    // nothing to replay to it from entry 1.
    const logLength = (m: Member) => (m.group as unknown as { logLength: number }).logLength
    await waitFor(
      gs,
      'every member to compact its log below 2,000 entries',
      () => ms.every((m) => logLength(m) < 2_000),
      30_000,
    )

    const t0 = performance.now()
    const late = joinCounter(ns[3] as (typeof ns)[number], key, 'normal', QUICK, SYNC)
    await withTimeout(late.group.when.reaches(last), bound(30_000), `the late joiner at ${last}`)
    await waitFor([late.group], 'the late joiner online', () => late.group.getSnapshot().online, 15_000)
    const took = performance.now() - t0
    // The session that installed (a failed one may come first and is retried).
    const sync = (phase: SyncEvent['phase']) =>
      late.telemetry.findLast(
        (e): e is SyncEvent => e.type === 'group.sync' && e.phase === phase && e.peer === late.net.peerId,
      )
    const fetching = sync('fetching')
    const installed = sync('installed')
    console.log(
      `late joiner (${transport}): ${installed?.items} items from ${installed?.sources?.length} members (${fetching?.sources?.length} offered before the fetch began), online and at version ${last} after ${took.toFixed(0)} ms`,
    )
    expect(installed).toBeDefined()
    expect(installed?.items).toBe(10_000)
    // How many members offered before the fetch began is a race (the offer window closes
    // 100 ms after the first offer); what the fetch then does is not: with more batches
    // than members, every member in the pool serves, and each served batch is counted.
    // (tests/groups/sync proves the spread over several members on a manual clock.)
    const members = new Set(ms.map((m) => m.net.peerId))
    expect(fetching?.sources?.length).toBeGreaterThan(0)
    for (const p of fetching?.sources ?? []) expect(members.has(p)).toBe(true)
    expect(installed?.sources).toEqual(expect.arrayContaining(fetching?.sources ?? ['none']))
    expect(late.sm.installs).toBe(1)
    expect(late.sm.query('total')).toBe(10_000)
    expect(late.sm.query('keys')).toBe(10_000)
    // It rejoins the quorum: its writes commit and every member applies them.
    const v = await late.group.execute({ k: 'from-late', by: 1 })
    await withTimeout(
      Promise.all([...gs, late.group].map((g) => g.when.reaches(v))),
      bound(10_000),
      `every member at the late joiner's write ${v}`,
    )
    expect([...ms, late].map((m) => m.sm.query('total'))).toEqual([10_001, 10_001, 10_001, 10_001])
  }, 300_000) // 10,000 commands and a snapshot of them: a bound for a loaded machine, not a speed check
})
