import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { Transport } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import { TimeoutError } from '../../src/core/errors.js'
import { retry } from '../../src/network/retry.js'
import { bound } from '../helpers/bounds.js'
import { Nets } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

type MemoryComponents = Parameters<ReturnType<typeof memory>>[0]

/**
 * The memory transport, except that its first `hangs` dials never complete, like the
 * WebRTC dial that waits forever for its init channel; they only end when aborted.
 */
function hangingMemory(hangs: number, dials: { count: number }) {
  return (components: MemoryComponents): Transport => {
    const inner = memory()(components)
    const dial = inner.dial.bind(inner)
    inner.dial = (ma, options) => {
      dials.count++
      if (dials.count > hangs) return dial(ma, options)
      return new Promise((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })
      })
    }
    return inner
  }
}

/**
 * The memory transport, except that dials after the first wait (abortably) until
 * `listening()` is called: the first one meets no listener and is refused (`refused`).
 */
function lateListener() {
  let dials = 0
  const refused = deferred<void>()
  const up = deferred<void>()
  const transport = (components: MemoryComponents): Transport => {
    const inner = memory()(components)
    const dial = inner.dial.bind(inner)
    inner.dial = async (ma, options) => {
      if (++dials > 1)
        await new Promise<void>((resolve, reject) => {
          options.signal?.throwIfAborted()
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })
          void up.promise.then(resolve)
        })
      try {
        return await dial(ma, options)
      } catch (err) {
        refused.resolve()
        throw err
      }
    }
    return inner
  }
  return { transport, refused: refused.promise, listening: () => up.resolve(), dials: () => dials }
}

describe('dial retry', () => {
  it('abandons a hung attempt at its bound and succeeds on the next', async () => {
    const target = await nets.create()
    const dials = { count: 0 }
    const dialer = await nets.create({
      transport: { transports: [hangingMemory(1, dials)], addresses: { listen: ['/memory/dial-retry-test'] } },
      dial: { attemptTimeoutMs: 400, backoffMs: 50 },
      discovery: { dialPeers: false },
    })
    const t0 = performance.now()
    await dialer.dial(target.addresses())
    const ms = performance.now() - t0
    expect(dials.count).toBe(2)
    expect(ms).toBeGreaterThanOrEqual(400)
    expect(dialer.connectedPeers()).toContain(target.peerId)
  })

  it('gives up after the configured attempts with the last error', async () => {
    const target = await nets.create()
    const dials = { count: 0 }
    const dialer = await nets.create({
      transport: { transports: [hangingMemory(99, dials)], addresses: { listen: ['/memory/dial-retry-give-up'] } },
      dial: { attempts: 3, attemptTimeoutMs: 100, backoffMs: 10 },
      discovery: { dialPeers: false },
    })
    await expect(dialer.dial(target.addresses())).rejects.toThrow()
    expect(dials.count).toBe(3)
  })

  it('retries a refused dial until the listener appears', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const futurePeer = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString()
    const addr = `/memory/late-listener-${futurePeer.slice(-6)}/p2p/${futurePeer}`
    const late = lateListener()
    const dialer = await nets.create({
      // Each attempt is a hang guard here: the second one waits for the listener to exist.
      transport: { transports: [late.transport], addresses: { listen: ['/memory/late-listener-dialer'] } },
      dial: { attempts: 6, backoffMs: 100, attemptTimeoutMs: bound(6_000) },
      discovery: { dialPeers: false },
    })
    const dialing = dialer.dial(addr)
    // The listener appears only once a dial was refused for want of it, and the dials after
    // that one wait for it: the retries never run out while it starts, however slow that is.
    await withTimeout(late.refused, bound(5_000), 'the first dial to be refused (nobody listens yet)')
    await nets.create({ secretKey: seed, listen: [addr.split('/p2p/')[0] as string] })
    late.listening()
    await dialing
    expect(late.dials()).toBeGreaterThanOrEqual(2)
    expect(dialer.connectedPeers()).toContain(futurePeer)
  })

  it('stops retrying at once when its signal aborts, leaving no timer', async () => {
    const abort = new AbortController()
    let attempts = 0
    const run = retry(
      'a peer that never answers',
      async () => {
        attempts++
        abort.abort(new Error('network stopped'))
        throw new Error('refused')
      },
      { attempts: 5, backoffMs: 10_000, signal: abort.signal },
    )
    await expect(run).rejects.toThrow('network stopped')
    expect(attempts).toBe(1)
  })

  it('reports a hung attempt as a timeout naming what it waited for', async () => {
    const run = retry('the init channel', () => new Promise<never>(() => {}), { attempts: 1, attemptTimeoutMs: 50 })
    await expect(run).rejects.toBeInstanceOf(TimeoutError)
    await expect(run).rejects.toThrow(/the init channel \(attempt 1\)/)
  })
})
