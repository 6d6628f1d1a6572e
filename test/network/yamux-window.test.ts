import { afterEach, describe, expect, it } from 'vitest'
import { lazyWindowUpdates, yamuxWindowCounts } from '../../src/network/yamux-window.js'
import { Nets, until } from './helpers.js'

const WINDOW = 256 * 1024

/** A stand-in for a yamux stream: counts the window updates yamux's own method would send. */
function stream(state: number, used: number) {
  const s = {
    state,
    recvWindow: WINDOW,
    recvWindowCapacity: WINDOW - used,
    sent: 0,
    sendWindowUpdate(this: { sent: number; recvWindow: number; recvWindowCapacity: number }) {
      this.sent++
      this.recvWindowCapacity = this.recvWindow
    },
  }
  return s
}

describe('yamux window updates sent once half the window is used', () => {
  const nets = new Nets()
  afterEach(() => nets.stopAll())

  it('skips the update of an established stream with half its window or more left', () => {
    const s = stream(3, 100)
    expect(lazyWindowUpdates(s)).toBe(true)
    s.sendWindowUpdate()
    expect(s.sent).toBe(0)
    s.recvWindowCapacity = WINDOW / 2
    s.sendWindowUpdate()
    expect(s.sent).toBe(0)
    // Past half: yamux's own update goes out and restores the window.
    s.recvWindowCapacity = WINDOW / 2 - 1
    s.sendWindowUpdate()
    expect(s.sent).toBe(1)
    expect(s.recvWindowCapacity).toBe(WINDOW)
  })

  it("leaves every other state to yamux's own method (SYN and ACK ride those updates)", () => {
    for (const state of [0, 1, 2, 4, 5]) {
      const s = stream(state, 100)
      lazyWindowUpdates(s)
      s.sendWindowUpdate()
      expect(s.sent, `state ${state}`).toBe(1)
    }
  })

  it('changes nothing on a stream without the fields it reads', () => {
    const bare = { sendWindowUpdate() {} }
    const before = bare.sendWindowUpdate
    expect(lazyWindowUpdates(bare)).toBe(false)
    expect(bare.sendWindowUpdate).toBe(before)
    expect(lazyWindowUpdates({ state: 3, recvWindow: 1, recvWindowCapacity: 1 })).toBe(false)
  })

  it('finds the streams of the yamux this project installs, and a 4 MB transfer still flows', async () => {
    const before = { ...yamuxWindowCounts }
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await until([a, b], 'a connection', () => a.connectedPeers().length > 0)
    const bytes = 4 * 1024 * 1024
    let got = 0
    const all = new Promise<void>((resolve) => {
      b.libp2p.handle('/yamux-window-test/1', (s) => {
        s.addEventListener('message', (evt) => {
          got += evt.data.byteLength
          if (got >= bytes) resolve()
        })
      })
    })
    const s = await a.libp2p.dialProtocol(b.libp2p.peerId, '/yamux-window-test/1')
    const chunk = new Uint8Array(64 * 1024)
    for (let sent = 0; sent < bytes; sent += chunk.length) if (!s.send(chunk)) await s.onDrain()
    await all
    expect(got).toBe(bytes)
    expect(yamuxWindowCounts.lazy - before.lazy).toBeGreaterThanOrEqual(2)
    expect(yamuxWindowCounts.left - before.left).toBe(0)
  })
})
