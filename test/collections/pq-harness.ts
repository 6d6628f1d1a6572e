import type { TestContext } from 'vitest'
import {
  PriorityQueue,
  type PriorityQueueOptions,
  type PriorityQueueReader,
  type PriorityQueueWriter,
} from '../../src/collections/pq.js'
import type { Network } from '../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online } from './collection-harness.js'

/** The queue of mosaik's depq tests: number priorities, keys and values. */
export type Q = PriorityQueueWriter<number, number, number>
export type R = PriorityQueueReader<number, number, number>
export type O = PriorityQueueOptions<number, number, number>

/**
 * Four networks for a test file (call at the top of the file: it registers the file's
 * beforeAll/afterAll), and handles on them that close when their test finishes.
 */
export function pqPool() {
  const pool = networkPool(4)
  const net = (i: number): Network => pool.nets[i] as Network
  const writer = (ctx: TestContext, store: string, i: number, o: O = {}) =>
    closing(ctx, PriorityQueue.writer<number, number, number>(net(i), store, fast(o)))[0] as Q
  const reader = (ctx: TestContext, store: string, i: number, o: O = {}) =>
    closing(ctx, PriorityQueue.reader<number, number, number>(net(i), store, fast(o)))[0] as R
  /** A writer on network 0 and a reader on network 1 of a fresh store, both online. */
  async function pair(ctx: TestContext, o: O = {}) {
    const store = freshStore()
    const w = writer(ctx, store, 0, o)
    const r = reader(ctx, store, 1, o)
    await online(w, r)
    return { w, r }
  }
  /** A lone writer of a fresh store, online. */
  async function alone(ctx: TestContext, o: O = {}) {
    const w = writer(ctx, freshStore(), 0, o)
    await online(w)
    return w
  }
  return { pool, net, writer, reader, pair, alone }
}

export const priorities = (q: R) => q.iterAsc().map(([p]) => p)

export const FIVE: [number, number, number][] = [
  [10, 1, 100],
  [20, 2, 200],
  [30, 3, 300],
  [40, 4, 400],
  [50, 5, 500],
]
