/**
 * Shared setup for the cell integration tests: real libp2p networks (memory transport by
 * default), short consensus timings, bounded waits that say what they waited for, and
 * the mosaik smoke scenario reused over every transport.
 */
import { expect, type TestContext } from 'vitest'
import { Cell, type CellOptions, type CellReader, type CellWriter } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import { UniqueId } from '../../src/core/id.js'
import { Network, type NetworkOptions } from '../../src/network/network.js'
import { bound } from '../helpers/bounds.js'
import { allKnowEachOther, until } from '../network/helpers.js'

/** Fast timings: a lone member elects itself in well under a second, failover in about one. */
export const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }

/** Bounds every wait (`seconds` on a quiet machine, see `bound`); the failure names what was awaited. */
export function within<T>(seconds: number, what: string, p: Promise<T>): Promise<T> {
  return withTimeout(p, bound(seconds * 1000), what)
}

/** A fresh store id per scenario, so scenarios sharing networks never share a group. */
export function freshStore(): string {
  return UniqueId.random().toString()
}

/** Networks and cells of one test file; `dispose()` closes and stops everything. */
export class Scope {
  readonly networkName = `cells-${UniqueId.random().short()}`
  readonly networks: Network[] = []
  readonly #cells: CellReader<unknown>[] = []

  async network(options: Partial<NetworkOptions> = {}): Promise<Network> {
    const bootstrap = this.networks.flatMap((n) => (n.stopped ? [] : n.addresses().slice(0, 1)))
    const net = await Network.create({ network: this.networkName, transport: 'memory', bootstrap, ...options })
    this.networks.push(net)
    return net
  }

  /** `n` more networks that (with the existing ones) all know each other. */
  async networksKnowingEachOther(n: number, options: Partial<NetworkOptions> = {}): Promise<Network[]> {
    const created: Network[] = []
    for (let i = 0; i < n; i++) created.push(await this.network(options))
    const live = this.networks.filter((x) => !x.stopped)
    await until(live, `${live.length} networks to discover each other`, () => allKnowEachOther(live), 10_000)
    return created
  }

  writer<T>(net: Network, store: string, options: CellOptions<T> = {}): CellWriter<T> {
    return this.#track(Cell.writer<T>(net, store, { ...options, consensus: { ...FAST, ...options.consensus } }))
  }

  reader<T>(net: Network, store: string, options: CellOptions<T> = {}): CellReader<T> {
    return this.#track(Cell.reader<T>(net, store, { ...options, consensus: { ...FAST, ...options.consensus } }))
  }

  track<C extends CellReader<unknown>>(cell: C): C {
    return this.#track(cell)
  }

  /** Closes the cells opened since the last call (networks stay for the next scenario). */
  async closeCells(): Promise<void> {
    await Promise.all(this.#cells.splice(0).map((c) => c.close()))
  }

  async dispose(): Promise<void> {
    await this.closeCells()
    await Promise.all(this.networks.splice(0).map((n) => n.stop()))
  }

  #track<C extends CellReader<unknown>>(cell: C): C {
    this.#cells.push(cell as CellReader<unknown>)
    return cell
  }
}

/**
 * A scope for one test, disposed when that test finishes, so tests may run concurrently.
 * Takes the test's own context: with concurrent tests the global hooks cannot tell which
 * test is current.
 */
export function testScope(ctx: Pick<TestContext, 'onTestFinished'>): Scope {
  const scope = new Scope()
  ctx.onTestFinished(() => scope.dispose())
  return scope
}

/** Waits until every cell is online. */
export async function allOnline(...cells: CellReader<unknown>[]): Promise<void> {
  await within(10, 'every cell online', Promise.all(cells.map((c) => c.when.online())))
}

/** Waits until every cell applied `version`. */
export async function allReach(version: number, ...cells: CellReader<unknown>[]): Promise<void> {
  await within(5, `every cell at version ${version}`, Promise.all(cells.map((c) => c.when.reaches(version))))
}

/** mosaik `smoke_no_catchup`: empty state, write, overwrite, set, clear, seen by a reader. */
export async function smoke(w: CellWriter<number>, r: CellReader<number>): Promise<void> {
  await allOnline(w, r)
  expect(r.isEmpty()).toBe(true)
  expect(r.read()).toBeUndefined()
  expect(r.get()).toBeUndefined()

  let v = await within(5, 'write(42)', w.write(42))
  await allReach(v, r)
  expect(r.isEmpty()).toBe(false)
  expect(r.read()).toBe(42)
  expect(r.get()).toBe(42)

  v = await within(5, 'write(99)', w.write(99))
  await allReach(v, r)
  expect(r.read()).toBe(99)

  v = await within(5, 'set(123)', w.set(123))
  await allReach(v, r)
  expect(r.read()).toBe(123)

  v = await within(5, 'clear()', w.clear())
  await allReach(v, r)
  expect(r.isEmpty()).toBe(true)
  expect(r.read()).toBeUndefined()
}
