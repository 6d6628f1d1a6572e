import type { TestContext } from 'vitest'
import { withTimeout } from '../../src/core/async.js'
import { UniqueId } from '../../src/core/id.js'
import type { Network, NetworkOptions } from '../../src/network/network.js'
import { bound } from '../helpers/bounds.js'
import { allKnowEachOther, Nets, until } from '../network/helpers.js'

/** mosaik's test datum `Data1(String)`. */
export type Data1 = string

/**
 * Networks of one test on a fresh network id (so concurrent tests never meet), stopped
 * when the test finishes.
 */
export function scope(ctx: TestContext) {
  const nets = new Nets()
  const name = `streams-${UniqueId.random().short()}`
  ctx.onTestFinished(() => nets.stopAll())
  return {
    name,
    nets,
    net: (options: Partial<NetworkOptions> = {}) => nets.create({ network: name, ...options }),
    /** mosaik's `discover_all`: dials everyone to the first and waits until all catalogs are full. */
    discoverAll: async (all: Network[]) => {
      const [first, ...rest] = all
      await Promise.all(rest.map((n) => n.dial(first!.addresses())))
      await until(all, 'every peer to know every other', () => allKnowEachOther(all), 15_000)
    },
  }
}

/**
 * Awaits a promise with a bound that names what was awaited (mosaik's `timeout_s`); `ms` is
 * what a quiet machine needs, stretched by `bound` on a loaded one. Not a speed check.
 */
export function within<T>(promise: PromiseLike<T>, what: string, ms = 10_000): Promise<T> {
  return withTimeout(Promise.resolve(promise), bound(ms), what)
}

export { until }
