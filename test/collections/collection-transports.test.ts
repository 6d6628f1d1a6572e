import { describe, expect, it } from 'vitest'
import { Once, PriorityQueue, ReplicatedMap, ReplicatedSet, Vec } from '../../src/collections/index.js'
import { startRelay } from '../../src/node/relay.js'
import { allKnowEachOther, until } from '../network/helpers.js'
import { fast, freshStore, online, reach } from './collection-harness.js'
import { testScope } from './harness.js'

// A smoke per collection over TCP and over WebRTC (two Node peers introduced by a local
// relay): a writer on one peer, a reader on the other, a few writes, the reader agrees.

async function smokeAll(a: Parameters<typeof ReplicatedMap.writer>[0], b: Parameters<typeof ReplicatedMap.writer>[0]) {
  const s = freshStore()
  const handles = {
    map: [
      ReplicatedMap.writer<string, number>(a, `${s}.map`, fast()),
      ReplicatedMap.reader<string, number>(b, `${s}.map`, fast()),
    ],
    vec: [Vec.writer<string>(a, `${s}.vec`, fast()), Vec.reader<string>(b, `${s}.vec`, fast())],
    set: [ReplicatedSet.writer<string>(a, `${s}.set`, fast()), ReplicatedSet.reader<string>(b, `${s}.set`, fast())],
    once: [Once.writer<string>(a, `${s}.once`, fast()), Once.reader<string>(b, `${s}.once`, fast())],
    pq: [
      PriorityQueue.writer<number, string, string>(a, `${s}.pq`, fast()),
      PriorityQueue.reader<number, string, string>(b, `${s}.pq`, fast()),
    ],
  } as const
  try {
    await online(...Object.values(handles).flat())
    const [mw, mr] = handles.map
    await reach(
      await mw.extend([
        ['a', 1],
        ['b', 2],
      ]),
      mr,
    )
    await reach(await mw.remove('a'), mr)
    expect([...mr.entries()]).toEqual([['b', 2]])
    const [vw, vr] = handles.vec
    await vw.pushBack('x')
    await reach(await vw.pushFront('w'), vr)
    expect(vr.values()).toEqual(['w', 'x'])
    const [sw, sr] = handles.set
    await reach(await sw.extend(['p', 'q', 'p']), sr)
    expect(sr.len()).toBe(2)
    const [ow, or] = handles.once
    await ow.write('first')
    await reach(await ow.write('second'), or)
    expect(or.read()).toBe('first')
    const [qw, qr] = handles.pq
    await reach(
      await qw.extend([
        [2, 'k2', 'v2'],
        [1, 'k1', 'v1'],
      ]),
      qr,
    )
    expect(qr.getMin()).toEqual([1, 'k1', 'v1'])
  } finally {
    await Promise.all(
      Object.values(handles)
        .flat()
        .map((h) => h.close()),
    )
  }
}

describe.concurrent('collections smoke over real transports', () => {
  it('works over TCP', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2, { transport: 'node', listen: ['/ip4/127.0.0.1/tcp/0'] })
    await smokeAll(n0!, n1!)
  })

  it('works over WebRTC between two Node peers introduced by a local relay', async (ctx) => {
    const scope = testScope(ctx)
    const relay = await startRelay({ network: scope.networkName })
    ctx.onTestFinished(() => relay.stop())
    const opts = { transport: 'node' as const, listen: ['/p2p-circuit', '/webrtc'], bootstrap: relay.addresses }
    const n0 = await scope.network(opts)
    const n1 = await scope.network(opts)
    await until(
      [n0, n1],
      'the peers to discover each other through the relay',
      () => allKnowEachOther([n0, n1]),
      15_000,
    )
    await smokeAll(n0, n1)
  })
})
