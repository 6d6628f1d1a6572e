import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react'

/**
 * `useSyncExternalStore` with a selector: re-renders only when `isEqual(previous, selected)`
 * is false, and returns the previous selection (same identity) otherwise. The selector and
 * comparison may change identity every render. (The shape of React's
 * `use-sync-external-store/with-selector`, without the dependency.)
 */
export function useSelectedSnapshot<V, S>(
  subscribe: (listener: () => void) => () => void,
  getSnapshot: () => V,
  getServerSnapshot: () => V,
  selector: (snapshot: V) => S,
  isEqual: (a: S, b: S) => boolean,
): S {
  const committed = useRef<{ value: S } | null>(null)
  const [getSelection, getServerSelection] = useMemo(() => {
    let memo: { snapshot: V; selection: S } | undefined
    const select = (snapshot: V): S => {
      if (memo && Object.is(memo.snapshot, snapshot)) return memo.selection
      const next = selector(snapshot)
      // Compare with what this component last showed, so a new selector identity keeps the old result.
      const previous = memo ?? (committed.current ? { selection: committed.current.value } : undefined)
      const selection = previous && isEqual(previous.selection, next) ? previous.selection : next
      memo = { snapshot, selection }
      return selection
    }
    return [() => select(getSnapshot()), () => select(getServerSnapshot())]
  }, [getSnapshot, getServerSnapshot, selector, isEqual])
  const selection = useSyncExternalStore(subscribe, getSelection, getServerSelection)
  useEffect(() => {
    committed.current = { value: selection }
  }, [selection])
  return selection
}
