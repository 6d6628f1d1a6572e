/** Heap measurements after a full garbage collection. */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gcFn: (() => void) | undefined

/** `global.gc`, enabled at run time when node was not started with `--expose-gc`. */
export function gc(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc
    if (g) gcFn = g
    else {
      setFlagsFromString('--expose-gc')
      gcFn = runInNewContext('gc') as () => void
    }
  }
  gcFn()
}

/** Used heap in bytes after full collections, median of `samples` readings. */
export async function heapUsed(samples = 3): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < samples; i++) {
    // Let pending timers and promise callbacks release what they hold.
    await new Promise((r) => setTimeout(r, 20))
    gc()
    gc()
    xs.push(process.memoryUsage().heapUsed)
  }
  xs.sort((a, b) => a - b)
  return xs[Math.floor(xs.length / 2)] as number
}
