import { describe, expect, it } from 'vitest'
import type { Version } from '../../src/core/id.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { allOnline, allReach, freshStore, testScope, within } from './harness.js'

// The only writer leaves (a React tab that reloads) while readers on other networks stay.
// A new writer sees only observers and may elect itself at once; observers abstain, so
// nothing in the vote stops its empty log. It must take the readers' state first, or the
// readers would resync to its empty state and lose the committed value.

describe('Cell: a new lone writer next to readers', () => {
  it('takes the readers’ value before it leads; nothing reverts; its next write lands on top', async (ctx) => {
    const scope = testScope(ctx)
    const [n1, n2, n3] = await scope.networksKnowingEachOther(3)
    const store = freshStore()
    const w1 = scope.writer<string>(n1!, store)
    const readers = [n2!, n3!].map((n) => scope.reader<string>(n, store))
    await allOnline(w1, ...readers)
    await within(5, "write('a')", w1.write('a'))
    const vb = await within(5, "write('b')", w1.write('b'))
    await allReach(vb, ...readers)
    for (const r of readers) expect(r.read()).toBe('b')

    const reverted: Version[] = []
    for (const r of readers)
      r.when.reverted().then(
        (v) => reverted.push(v),
        () => {},
      )
    const syncs: TelemetryEvent[] = []
    for (const n of [n2!, n3!]) n.onTelemetry((e) => e.type === 'group.reverted' && syncs.push(e))

    await w1.close()
    await within(5, 'readers offline', Promise.all(readers.map((r) => r.when.offline())))

    const [n4] = await scope.networksKnowingEachOther(1)
    const events: TelemetryEvent[] = []
    n4!.onTelemetry((e) => events.push(e))
    const t0 = performance.now()
    const w2 = scope.writer<string>(n4!, store)
    await allOnline(w2, ...readers)
    const ms = performance.now() - t0
    await allReach(vb, w2)
    expect(w2.read()).toBe('b')
    for (const r of readers) expect(r.read()).toBe('b')
    console.log(`new lone writer: online with the readers' value in ${ms.toFixed(0)} ms`)
    // It pulled the state (a sync session) rather than replaying history it never had.
    expect(events.some((e) => e.type === 'group.sync' && e.phase === 'installed')).toBe(true)

    const vc = await within(5, "write('c')", w2.write('c'))
    expect(vc).toBeGreaterThan(vb)
    await allReach(vc, w2, ...readers)
    for (const c of [w2, ...readers]) expect(c.read()).toBe('c')
    expect(reverted).toEqual([])
    expect(syncs).toEqual([])
  })
})
