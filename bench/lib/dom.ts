/**
 * A happy-dom window installed as the global DOM for React rendering in this Node process,
 * and removed again afterwards (the network code must keep seeing Node). Install it only
 * around rendering, after the networks started.
 */
import { Window } from 'happy-dom'

// Only what react-dom needs: replacing Node's own `Event` or `navigator` would break libp2p
// (its EventTargets reject foreign events; some modules sniff the user agent).
const KEYS = ['window', 'document'] as const

export function installDom(): () => void {
  const window = new Window({ url: 'http://localhost/' })
  const g = globalThis as Record<string, unknown>
  const saved = new Map<string, PropertyDescriptor | undefined>()
  for (const key of KEYS) {
    saved.set(key, Object.getOwnPropertyDescriptor(g, key))
    Object.defineProperty(g, key, {
      value: (window as unknown as Record<string, unknown>)[key],
      configurable: true,
      writable: true,
    })
  }
  return () => {
    for (const [key, desc] of saved) {
      if (desc) Object.defineProperty(g, key, desc)
      else delete g[key]
    }
    void window.happyDOM.close()
  }
}
