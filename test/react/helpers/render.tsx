import { Component, type ErrorInfo, Profiler, type ReactNode, StrictMode } from 'react'

/** Every React test renders inside StrictMode (double render, mount/unmount/mount). */
export function Strict({ children }: { children?: ReactNode }): ReactNode {
  return <StrictMode>{children}</StrictMode>
}

/** Commit counters by id, fed by `<Counted>`. StrictMode's double render is one commit. */
export class Commits {
  readonly #counts = new Map<string, number>()
  get(id: string): number {
    return this.#counts.get(id) ?? 0
  }
  bump = (id: string): void => {
    this.#counts.set(id, this.get(id) + 1)
  }
  /** Sum over ids starting with `prefix`. */
  total(prefix: string): number {
    let n = 0
    for (const [id, c] of this.#counts) if (id.startsWith(prefix)) n += c
    return n
  }
  reset(): void {
    this.#counts.clear()
  }
}

/** Counts the commits of its subtree (React's Profiler: one call per commit that touched it). */
export function Counted({ id, commits, children }: { id: string; commits: Commits; children: ReactNode }): ReactNode {
  return (
    <Profiler id={id} onRender={() => commits.bump(id)}>
      {children}
    </Profiler>
  )
}

/** Catches a render error and shows its message; `onError` sees the error. */
export class Boundary extends Component<
  { children?: ReactNode; onError?: (error: Error) => void },
  { error: Error | undefined }
> {
  override state: { error: Error | undefined } = { error: undefined }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override componentDidCatch(error: Error, _info: ErrorInfo): void {
    this.props.onError?.(error)
  }
  override render(): ReactNode {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children
  }
}
