/**
 * The one store primitive of the observer layer: `subscribe` + `getSnapshot` (React's
 * `useSyncExternalStore` contract, zustand's vanilla store), here as a selection over
 * another store that tells its listeners only when the selection changed.
 */

/** Anything with React's external-store contract. */
export interface Store<T> {
  subscribe(listener: () => void): () => void
  getSnapshot(): T
}

/**
 * A store of `select(source.getSnapshot())` that notifies only when the selection changed
 * under `isEqual` (default `Object.is`), and keeps the previous selection's identity
 * otherwise. Subscribes to `source` only while it has listeners of its own.
 *
 * ```ts
 * const price = selectStore(book, () => book.get('ETH'))   // one key of a map handle
 * price.subscribe(() => console.log(price.getSnapshot()))  // fires only when ETH changes
 * ```
 */
export function selectStore<S, T>(
  source: Store<S>,
  select: (snapshot: S) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): Store<T> {
  const listeners = new Set<() => void>()
  let memo: { snapshot: S; selection: T } | undefined
  let unsubscribe: (() => void) | undefined
  const current = (): T => {
    const snapshot = source.getSnapshot()
    if (memo && Object.is(memo.snapshot, snapshot)) return memo.selection
    const next = select(snapshot)
    const selection = memo && isEqual(memo.selection, next) ? memo.selection : next
    memo = { snapshot, selection }
    return selection
  }
  return {
    getSnapshot: current,
    subscribe(listener) {
      listeners.add(listener)
      if (!unsubscribe) {
        current()
        unsubscribe = source.subscribe(() => {
          const before = memo?.selection
          const after = current()
          if (after !== before) for (const l of [...listeners]) l()
        })
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe()
          unsubscribe = undefined
        }
      }
    },
  }
}
