/**
 * Shared setup for the tests of the collections beyond Cell: a pool of real networks
 * (memory transport) that know each other, shared by every scenario of a file (each
 * scenario has its own store id, so scenarios never see each other's groups), fast
 * consensus timings, and bounded waits that say what they waited for.
 */
import { afterAll, beforeAll } from 'vitest'
import type { CollectionReader } from '../../src/collections/collection-types.js'
import type { Network } from '../../src/network/network.js'
import { FAST, Scope, within } from './harness.js'

export { freshStore, within } from './harness.js'

/** Options with the fast test timings merged in. */
export function fast<O extends object>(options: O = {} as O): O {
  const consensus = (options as { consensus?: object }).consensus
  return { ...options, consensus: { ...FAST, ...consensus } }
}

/** `n` networks that know each other, created before the file's tests and stopped after them. */
export function networkPool(n: number): { readonly nets: Network[]; readonly scope: Scope } {
  const scope = new Scope()
  const nets: Network[] = []
  beforeAll(async () => {
    nets.push(...(await scope.networksKnowingEachOther(n)))
  }, 30_000)
  afterAll(() => scope.dispose())
  return { nets, scope }
}

/** Closes the handles when the test finishes (the networks live on for the next test). */
export function closing<H extends { close(): Promise<void> }[]>(
  ctx: { onTestFinished(fn: () => unknown): void },
  ...handles: H
): H {
  ctx.onTestFinished(() => Promise.all(handles.map((h) => h.close())))
  return handles
}

/** Waits until every handle is online. */
export async function online(...handles: Pick<CollectionReader, 'when'>[]): Promise<void> {
  await within(10, 'every collection online', Promise.all(handles.map((h) => h.when.online())))
}

/** Waits until every handle applied `version`. */
export async function reach(version: number, ...handles: Pick<CollectionReader, 'when'>[]): Promise<void> {
  await within(10, `every collection at version ${version}`, Promise.all(handles.map((h) => h.when.reaches(version))))
}
