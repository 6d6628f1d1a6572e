import { afterEach, describe, expect, it } from 'vitest'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import { Nets } from '../../network/helpers.js'
import { joinCounter, type Member, networks, type Transport } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

/** Election timing is not what this file measures: a shorter bootstrap delay saves time. */
const QUICK = { bootstrapDelay: 500 }
// Small batches (40 of them) keep the fetch going long enough for every member's offer to
// join it, even when a loaded machine delays the others' snapshots past the offer window.
const SYNC = { fetchBatchSize: 250 }
const nets = new Nets()
afterEach(() => nets.stopAll())

type SyncEvent = Extract<TelemetryEvent, { type: 'group.sync' }>

describe.each<Transport>(['memory', 'tcp'])('catching up over %s', (transport) => {
  it('a late joiner catches up by snapshot from more than one member after 10,000 commands', async () => {
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
    await Promise.all(gs.map((g) => g.when.reaches(last)))
    // The log stays bounded: compacted below the applied point.
    const leader = ms.find((m) => m.group.isLeader()) as Member
    const logLength = (leader.group as unknown as { logLength: number }).logLength
    expect(logLength).toBeLessThan(2_000)

    const t0 = performance.now()
    const late = joinCounter(ns[3] as (typeof ns)[number], key, 'normal', QUICK, SYNC)
    await late.group.when.reaches(last)
    await waitFor([late.group], 'the late joiner online', () => late.group.getSnapshot().online, 15_000)
    const took = performance.now() - t0
    const installed = late.telemetry.find(
      (e): e is SyncEvent => e.type === 'group.sync' && e.phase === 'installed' && e.peer === late.net.peerId,
    )
    console.log(
      `late joiner (${transport}): ${installed?.items} items from ${installed?.sources?.length} members, online and at version ${last} after ${took.toFixed(0)} ms`,
    )
    expect(installed).toBeDefined()
    expect(installed?.items).toBe(10_000)
    expect(installed?.sources?.length).toBeGreaterThan(1)
    expect(late.sm.installs).toBe(1)
    expect(late.sm.query('total')).toBe(10_000)
    expect(late.sm.query('keys')).toBe(10_000)
    // It rejoins the quorum: its writes commit and every member applies them.
    const v = await late.group.execute({ k: 'from-late', by: 1 })
    await Promise.all([...gs, late.group].map((g) => g.when.reaches(v)))
    expect([...ms, late].map((m) => m.sm.query('total'))).toEqual([10_001, 10_001, 10_001, 10_001])
  })
})
