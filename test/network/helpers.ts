import { TimeoutError } from '../../src/core/errors.js'
import { Network, type NetworkOptions } from '../../src/network/network.js'
import { bound } from '../helpers/bounds.js'

/** Networks created by a test; `stopAll` in afterEach so a failing test leaks nothing. */
export class Nets {
  readonly all: Network[] = []

  async create(options: Partial<NetworkOptions> = {}): Promise<Network> {
    const net = await Network.create({ network: 'test-net', transport: 'memory', ...options })
    this.all.push(net)
    return net
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((n) => n.stop()))
  }
}

/**
 * Resolves once `check()` holds, re-checking whenever one of the networks reports a
 * discovery, telemetry or connection event. Rejects naming `what` after `timeoutMs` (on a
 * quiet machine; see `bound`).
 */
export function until(nets: Network[], what: string, check: () => boolean, quietMs = 10_000): Promise<void> {
  if (check()) return Promise.resolve()
  const timeoutMs = bound(quietMs)
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = []
    const done = (err?: Error) => {
      clearTimeout(timer)
      for (const off of offs) off()
      if (err) reject(err)
      else resolve()
    }
    const poke = () => {
      if (check()) done()
    }
    for (const n of nets) {
      offs.push(n.discovery.onEvent(poke), n.onTelemetry(poke))
      for (const ev of ['connection:open', 'connection:close'] as const) {
        n.libp2p.addEventListener(ev, poke)
        offs.push(() => n.libp2p.removeEventListener(ev, poke))
      }
    }
    const timer = setTimeout(() => done(new TimeoutError(what, timeoutMs)), timeoutMs)
  })
}

/** True when every network's catalog holds every other network's peer. */
export function allKnowEachOther(nets: Network[]): boolean {
  return nets.every((n) => nets.every((m) => m === n || n.discovery.catalog().has(m.peerId)))
}
