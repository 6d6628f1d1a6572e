/**
 * The framework-free half of the hooks (CellEntry, CellRegistry, NetworkSlot) with React
 * mocked away and fake timers: ref counting, grace periods, no timers left behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Network } from '../../src/network/network.js'
import { cellHandleStats, cellRegistry } from '../../src/observe/handle-registry.js'
import { NetworkSlot } from '../../src/react/network-slot.js'
import { fakeCell, fakeNetwork } from './helpers/fakes.js'

vi.mock('react', () => {
  throw new Error('the vanilla core must not import react')
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('CellRegistry and CellEntry', () => {
  it('an entry nobody subscribes to (a render that never committed) closes after the grace period', () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cellRegistry(net).acquire('reader', 'k', () => cell.reader(net), 100)
    expect(cellHandleStats(net)).toEqual({ handles: 1, timers: 1, refs: 0 })
    vi.advanceTimersByTime(99)
    expect(cell.group.closed).toBe(0)
    vi.advanceTimersByTime(1)
    expect(cell.group.closed).toBe(1)
    expect(cellHandleStats(net)).toEqual({ handles: 0, timers: 0, refs: 0 })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('subscribe retains, the last unsubscribe schedules the close, a resubscribe cancels it', () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    const registry = cellRegistry(net)
    const entry = registry.acquire('writer', 'k', () => cell.writer(net), 100)
    expect(registry.acquire('writer', 'k', () => cell.writer(net), 100)).toBe(entry)
    const off1 = entry.subscribe(() => {})
    const off2 = entry.subscribe(() => {})
    expect(vi.getTimerCount()).toBe(0)
    off1()
    off1()
    expect(entry.refs).toBe(1)
    off2()
    expect(vi.getTimerCount()).toBe(1)
    const off3 = entry.subscribe(() => {})
    expect(vi.getTimerCount()).toBe(0)
    off3()
    vi.advanceTimersByTime(100)
    expect(entry.closed).toBe(true)
    expect(entry.evicted).toBe(true)
    expect(cell.group.opened).toBe(1)
    expect(cell.group.closed).toBe(1)
    expect(registry.acquire('writer', 'k', () => cell.writer(net), 100)).not.toBe(entry)
  })

  it('keeps the state object while nothing visible changed and tells subscribers once per change', () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    const entry = cellRegistry(net).acquire('reader', 'k', () => cell.reader(net), 100)
    const calls = vi.fn()
    const off = entry.subscribe(calls)
    const s0 = entry.getState()
    cell.group.setOnline(true)
    expect(entry.getState()).toBe(s0)
    expect(calls).not.toHaveBeenCalled()
    cell.group.remoteWrite(4)
    expect(calls).toHaveBeenCalledTimes(1)
    expect(entry.getState()).toMatchObject({ value: 4, version: 1, status: 'online' })
    off()
  })

  it('stopping the network closes every entry, clears every timer, and later entries are closed', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    const a = cellRegistry(net).acquire('reader', 'a', () => cell.reader(net), 100)
    await net.stop()
    expect(a.getState()).toMatchObject({ status: 'closed', error: { kind: 'network-down' } })
    expect(vi.getTimerCount()).toBe(0)
    const b = cellRegistry(net).acquire('reader', 'b', () => cell.reader(net), 100)
    expect(b.closed).toBe(true)
    await expect(b.write(1)).rejects.toMatchObject({ kind: 'network-down' })
    expect(cell.group.opened).toBe(1)
  })
})

describe('NetworkSlot', () => {
  function fakeCreate() {
    const nets: ReturnType<typeof fakeNetwork>[] = []
    const create = vi.fn(async () => {
      const n = fakeNetwork()
      nets.push(n)
      return n as Network
    })
    return { nets, create }
  }

  it('mount/unmount/mount (StrictMode) keeps one network; the last release stops it a macrotask later', async () => {
    const slot = new NetworkSlot()
    const { nets, create } = fakeCreate()
    slot.acquire('k', create)()
    const release = slot.acquire('k', create)
    await vi.runAllTimersAsync()
    expect(create).toHaveBeenCalledTimes(1)
    expect(slot.getState()).toMatchObject({ status: 'ready', network: nets[0] })
    release()
    expect(nets[0]?.stopCalls).toBe(0)
    await vi.runAllTimersAsync()
    expect(nets[0]?.stopCalls).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops a network that finishes starting after its provider went away', async () => {
    const slot = new NetworkSlot()
    const { nets, create } = fakeCreate()
    slot.acquire('k', create)()
    await vi.runAllTimersAsync()
    expect(nets).toHaveLength(1)
    expect(nets[0]?.stopped).toBe(true)
  })

  it('a new key starts a new network and stops the old one', async () => {
    const slot = new NetworkSlot()
    const { nets, create } = fakeCreate()
    const releaseA = slot.acquire('a', create)
    await vi.runAllTimersAsync()
    const releaseB = slot.acquire('b', create)
    releaseA()
    await vi.runAllTimersAsync()
    expect(nets.map((n) => n.stopped)).toEqual([true, false])
    expect(slot.getState().network).toBe(nets[1])
    releaseB()
    await vi.runAllTimersAsync()
    expect(nets[1]?.stopped).toBe(true)
  })

  it('reports a start failure with its cause and rejects ready()', async () => {
    const slot = new NetworkSlot()
    const ready = slot.ready()
    slot.acquire('k', () => Promise.reject(new Error('boom')))
    await vi.runAllTimersAsync()
    const state = slot.getState()
    expect(state.status).toBe('error')
    expect(((state.error as Error).cause as Error).message).toBe('boom')
    await expect(ready).rejects.toBe(state.error)
  })
})
