import type { TestContext } from 'vitest'
import { type MapOptions, type MapReader, type MapWriter, ReplicatedMap } from '../../src/collections/map.js'
import type { Network } from '../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online } from './collection-harness.js'

/**
 * Four networks for a test file (call at the top of the file: it registers the file's
 * beforeAll/afterAll), and map handles on them that close when their test finishes.
 */
export function mapPool() {
  const pool = networkPool(4)
  const net = (i: number): Network => pool.nets[i] as Network
  function writer<K = number, V = number>(ctx: TestContext, store: string, i: number, options: MapOptions<K, V> = {}) {
    return closing(ctx, ReplicatedMap.writer<K, V>(net(i), store, fast(options)))[0] as MapWriter<K, V>
  }
  function reader<K = number, V = number>(ctx: TestContext, store: string, i: number, options: MapOptions<K, V> = {}) {
    return closing(ctx, ReplicatedMap.reader<K, V>(net(i), store, fast(options)))[0] as MapReader<K, V>
  }
  /** A writer on network 0 and a reader on network 1, both online. */
  async function pair<K = number, V = number>(ctx: TestContext) {
    const store = freshStore()
    const w = writer<K, V>(ctx, store, 0)
    const r = reader<K, V>(ctx, store, 1)
    await online(w, r)
    return { w, r, store }
  }
  return { pool, net, writer, reader, pair }
}

export const sorted = (m: MapReader<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0])
