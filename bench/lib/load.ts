/** Writing a history fast: many writes in flight at once. */
import type { CellWriter } from '../../src/collections/index.js'
import { type Value, value } from './cluster.js'
import { now, yieldToEventLoop } from './stats.js'

/**
 * Commits up to `count` writes through `writers` with `concurrency` in flight, stopping
 * early (without starting new writes) at `deadline` (a `now()` time). Resolves with how many
 * were acknowledged and the highest version. Throws on the first failed write.
 */
export async function writeMany(
  writers: readonly CellWriter<Value>[],
  count: number,
  concurrency = 100,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ written: number; highest: number }> {
  let started = 0
  let written = 0
  let highest = 0
  const loop = async (k: number) => {
    const w = writers[k % writers.length] as CellWriter<Value>
    while (started < count && now() < deadline) {
      started++
      const v = await w.write(value())
      written++
      if (v > highest) highest = v
      await yieldToEventLoop()
    }
  }
  await Promise.all(Array.from({ length: Math.max(0, Math.min(concurrency, count)) }, (_, k) => loop(k)))
  return { written, highest }
}
