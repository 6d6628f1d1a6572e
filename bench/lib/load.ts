/** Writing a history fast: many writes in flight at once. */
import type { CellWriter } from '../../src/collections/index.js'
import { type Value, value } from './cluster.js'
import { yieldToEventLoop } from './stats.js'

/**
 * Commits `count` writes through `writers` with `concurrency` in flight; resolves with the
 * highest version acknowledged. Throws on the first failed write.
 */
export async function writeMany(
  writers: readonly CellWriter<Value>[],
  count: number,
  concurrency = 100,
): Promise<number> {
  let next = 0
  let highest = 0
  const loop = async (k: number) => {
    const w = writers[k % writers.length] as CellWriter<Value>
    while (next < count) {
      next++
      const v = await w.write(value())
      if (v > highest) highest = v
      await yieldToEventLoop()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, k) => loop(k)))
  return highest
}
