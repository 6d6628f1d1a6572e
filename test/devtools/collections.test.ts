import { describe, expect, it } from 'vitest'
import { Once, PriorityQueue, ReplicatedMap, ReplicatedSet, Vec } from '../../src/collections/index.js'
import { selectGroup } from '../../src/devtools/selectors.js'
import { createDevtoolsStore } from '../../src/devtools/store.js'
import { closing, fast, freshStore, online, reach } from '../collections/collection-harness.js'
import { testScope } from '../collections/harness.js'
import { until } from '../network/helpers.js'

// The devtools over real collections: for every kind, each replica's group shows the
// collection kind, its size, its version and a per-replica commit timeline.

describe('devtools show every collection', () => {
  it('kind, size, version and a per-replica timeline for map, vec, set, once and priority queue', async (ctx) => {
    const scope = testScope(ctx)
    const [a, b] = await scope.networksKnowingEachOther(2)
    const store = createDevtoolsStore({ flushInterval: 0 })
    ctx.onTestFinished(store.attach(a!))
    ctx.onTestFinished(store.attach(b!))
    const s = freshStore()
    const map = closing(
      ctx,
      ReplicatedMap.writer<number, number>(a!, `${s}.map`, fast()),
      ReplicatedMap.reader(b!, `${s}.map`, fast()),
    )
    const vec = closing(ctx, Vec.writer<number>(a!, `${s}.vec`, fast()), Vec.reader(b!, `${s}.vec`, fast()))
    const set = closing(
      ctx,
      ReplicatedSet.writer<number>(a!, `${s}.set`, fast()),
      ReplicatedSet.reader(b!, `${s}.set`, fast()),
    )
    const once = closing(ctx, Once.writer<number>(a!, `${s}.once`, fast()), Once.reader(b!, `${s}.once`, fast()))
    const pq = closing(
      ctx,
      PriorityQueue.writer<number, number, number>(a!, `${s}.pq`, fast()),
      PriorityQueue.reader<number, number, number>(b!, `${s}.pq`, fast()),
    )
    await online(...map, ...vec, ...set, ...once, ...pq)
    const versions = {
      map: await map[0].extend([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
      vec: await vec[0].extend([1, 2]),
      set: await set[0].insert(7),
      once: await once[0].write(1),
      pq: await pq[0].extend([
        [1, 1, 1],
        [2, 2, 2],
        [3, 3, 3],
        [4, 4, 4],
      ]),
    }
    await reach(versions.map, map[1])
    await reach(versions.vec, vec[1])
    await reach(versions.set, set[1])
    await reach(versions.once, once[1])
    await reach(versions.pq, pq[1])
    const expected = { map: 3, vec: 2, set: 1, once: 1, pq: 4 } as const
    for (const [kind, size] of Object.entries(expected)) {
      const handle = { map, vec, set, once, pq }[kind as keyof typeof expected][0]
      await until([a!, b!], `the devtools to show the ${kind} on both peers`, () => {
        const g = selectGroup(store.getState(), { storeId: handle.storeId.toString() })
        const rs = Object.values(g?.replicas ?? {})
        return rs.length === 2 && rs.every((r) => r.size === size)
      })
      const g = selectGroup(store.getState(), { storeId: handle.storeId.toString() })!
      expect(g.kind).toBe(kind)
      for (const r of Object.values(g.replicas)) {
        expect(r.commit).toBeGreaterThanOrEqual(versions[kind as keyof typeof versions])
        expect(r.commits.length).toBeGreaterThan(0)
      }
    }
  })
})
