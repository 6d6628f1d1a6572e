import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { PersistError } from '../../src/network/persist/journal.js'
import { allOnline, freshStore, testScope, within } from './harness.js'

const root = mkdtempSync(join(tmpdir(), 'mosaik-persist-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('Cell with persist: a directory', () => {
  it('comes back after a restart with its identity, value and version, before it is online', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'restart')
    const store = freshStore()
    const n1 = await scope.network({ persist: dir })
    const w1 = scope.writer<string>(n1, store)
    await allOnline(w1)
    let last = 0
    for (const v of ['a', 'b', 'c']) last = await within(5, `write(${v})`, w1.write(v))
    const peer = n1.peerId
    await scope.closeCells()
    await n1.stop()

    const n2 = await scope.network({ persist: dir })
    expect(n2.peerId).toBe(peer)
    const t0 = performance.now()
    const w2 = scope.writer<string>(n2, store)
    const shown = performance.now() - t0
    expect(w2.read()).toBe('c')
    expect(w2.version()).toBe(last)
    expect(w2.getSnapshot().online).toBe(false)
    console.log(`persisted value shown ${shown.toFixed(1)} ms after opening the cell`)
    await allOnline(w2)
    const next = await within(5, 'write(d) after restart', w2.write('d'))
    expect(next).toBeGreaterThan(last)
    expect(w2.read()).toBe('d')
  })

  it('refuses a persist option that is neither a flag nor a name', async (ctx) => {
    const scope = testScope(ctx)
    for (const persist of ['', 5, {}] as unknown as string[])
      await expect(scope.network({ persist })).rejects.toThrow(expect.objectContaining({ kind: 'unsupported' }))
  })

  it('a damaged identity key or an unusable directory is a typed error', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'identity')
    await (await scope.network({ persist: dir })).stop()
    writeFileSync(join(dir, 'identity.key'), new Uint8Array([1, 2, 3]))
    await expect(scope.network({ persist: dir })).rejects.toThrow(expect.objectContaining({ kind: 'corrupt' }))
    const file = join(root, 'a-file')
    writeFileSync(file, 'not a directory')
    await expect(scope.network({ persist: file })).rejects.toThrow(expect.objectContaining({ kind: 'io' }))
  })

  it('refuses a store of another network with a clear error', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'foreign')
    const n1 = await scope.network({ persist: dir })
    await n1.stop()
    await expect(scope.network({ persist: dir, network: 'some-other-network' })).rejects.toThrow(PersistError)
    await expect(scope.network({ persist: dir, network: 'some-other-network' })).rejects.toThrow(/holds network/)
  })

  it('lets one network of a process hold a directory; a second runs in memory and says so', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'locked')
    const n1 = await scope.network({ persist: dir })
    const n2 = await scope.network({ persist: dir })
    expect(n2.peerId).not.toBe(n1.peerId)
    expect(n1.persistedAt).toBe(dir)
    expect(n2.persistedAt).toBeUndefined()
    // With a fixed identity there is no fresh one to fall back to: a clear error.
    await expect(scope.network({ persist: dir, secretKey: new Uint8Array(32).fill(7) })).rejects.toThrow(
      expect.objectContaining({ kind: 'locked' }),
    )
  })
})

describe('Cell with persist, strict mode', () => {
  it('3 members all restarted with their directories: no acknowledged write lost, replicas agree', async (ctx) => {
    const scope = testScope(ctx)
    const dirs = [0, 1, 2].map((i) => join(root, `strict-${i}`))
    const store = freshStore()
    const strict = { consensus: { minVoters: 3 } }
    const nets = []
    for (const dir of dirs) nets.push(await scope.network({ persist: dir }))
    const writers = nets.map((n) => scope.writer<number>(n, store, strict))
    await allOnline(...writers)
    let acked = 0
    let ackedValue = 0
    for (let i = 1; i <= 30; i++) {
      const w = writers[i % 3]!
      acked = await within(5, `write(${i})`, w.write(i))
      ackedValue = i
    }
    const peers = nets.map((n) => n.peerId)
    await scope.closeCells()
    await Promise.all(nets.map((n) => n.stop()))
    scope.networks.splice(0)

    const again = []
    for (const dir of dirs) again.push(await scope.network({ persist: dir }))
    expect(again.map((n) => n.peerId)).toEqual(peers)
    const back = again.map((n) => scope.writer<number>(n, store, strict))
    // Before any member is online, a majority shows the last acknowledged write.
    const shown = back.filter((w) => w.version() >= acked && w.read() === ackedValue)
    expect(shown.length).toBeGreaterThanOrEqual(2)
    for (const w of back) expect(w.getSnapshot().online).toBe(false)
    await allOnline(...back)
    const v = await within(5, 'write(100) after the restart', back[0]!.write(100))
    expect(v).toBeGreaterThan(acked)
    await within(5, 'every replica at the new write', Promise.all(back.map((w) => w.when.reaches(v))))
    for (const w of back) expect(w.read()).toBe(100)
    expect(new Set(back.map((w) => w.version()))).toEqual(new Set([v]))
  })
})

describe('Cell with persist, default mode', () => {
  it('a persisted value that lost to a newer term shows at once, then is reported reverted', async (ctx) => {
    const scope = testScope(ctx)
    const [dirA, dirB] = [join(root, 'revert-a'), join(root, 'revert-b')]
    const store = freshStore()
    const a1 = await scope.network({ persist: dirA })
    const b1 = await scope.network({ persist: dirB })
    const wa = scope.writer<string>(a1, store)
    const wb = scope.writer<string>(b1, store)
    await allOnline(wa, wb)
    const shared = await within(5, "write('both')", wa.write('both'))
    await within(5, 'B at the shared write', wb.when.reaches(shared))
    // B goes away; A alone keeps writing (default mode: the reachable majority is A).
    await wb.close()
    await b1.stop()
    await within(10, 'A online alone', wa.when.online())
    const lost = await within(10, "write('only A')", wa.write('only A'))
    await wa.close()
    await a1.stop()
    // B comes back alone, with its log, and moves on in a newer term.
    const b2 = await scope.network({ persist: dirB })
    const wb2 = scope.writer<string>(b2, store)
    expect(wb2.read()).toBe('both')
    await allOnline(wb2)
    await within(5, "write('only B')", wb2.write('only B'))
    // A reopens: its own last value first, then B's term wins and A reports the revert.
    const a2 = await scope.network({ persist: dirA, bootstrap: b2.addresses() })
    const wa2 = scope.writer<string>(a2, store)
    expect(wa2.read()).toBe('only A')
    expect(wa2.version()).toBe(lost)
    expect(wa2.getSnapshot().online).toBe(false)
    const reverted = wa2.when.reverted()
    const to = await within(10, 'A to report the revert', reverted)
    expect(to).toBeLessThan(lost)
    await allOnline(wa2)
    await within(5, 'A at B’s value', wa2.when.reaches(wb2.version()))
    expect(wa2.read()).toBe('only B')
  })
})

describe('Cell with persist: damaged and foreign group stores', () => {
  async function written(scope: ReturnType<typeof testScope>, dir: string, store: string) {
    const net = await scope.network({ persist: dir })
    const w = scope.writer<string>(net, store)
    await allOnline(w)
    await within(5, "write('kept')", w.write('kept'))
    const group = w.groupId.toString()
    await scope.closeCells()
    await net.stop()
    return group
  }

  it('a damaged group store is set aside and reported; the cell starts empty, never crashes', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'damaged')
    const store = freshStore()
    const group = await written(scope, dir, store)
    writeFileSync(join(dir, 'groups', group, 'owner.cbor'), new Uint8Array([9, 9, 9]))
    const net = await scope.network({ persist: dir })
    const events: TelemetryEvent[] = []
    net.onTelemetry((e) => e.type.startsWith('persist.') && events.push(e))
    const w = scope.writer<string>(net, store)
    expect(w.read()).toBeUndefined()
    expect(events).toMatchObject([{ type: 'persist.refused', kind: 'corrupt', namespace: group }])
    expect(readdirSync(join(dir, 'groups')).some((d) => d.startsWith(`${group}.corrupt-`))).toBe(true)
    await allOnline(w)
    await within(5, "write('again')", w.write('again'))
  })

  it('a group directory copied under another group id is refused and reported; the cell runs in memory', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'copied')
    const [storeA, storeB] = [freshStore(), freshStore()]
    const groupA = await written(scope, dir, storeA)
    const groupB = await written(scope, dir, storeB)
    rmSync(join(dir, 'groups', groupB), { recursive: true })
    cpSync(join(dir, 'groups', groupA), join(dir, 'groups', groupB), { recursive: true })
    const net = await scope.network({ persist: dir })
    const events: TelemetryEvent[] = []
    net.onTelemetry((e) => e.type.startsWith('persist.') && events.push(e))
    const w = scope.writer<string>(net, storeB)
    expect(w.read()).toBeUndefined()
    expect(events).toMatchObject([{ type: 'persist.refused', kind: 'foreign', namespace: groupB }])
    await allOnline(w)
  })
})

describe('Cell with persist, strict mode and a lost store', () => {
  it('a strict member whose group store was damaged comes back as an observer, not a voter without its log', async (ctx) => {
    const scope = testScope(ctx)
    const dir = join(root, 'strict-damaged')
    const store = freshStore()
    const strict = { consensus: { minVoters: 1 } }
    const net = await scope.network({ persist: dir })
    const w = scope.writer<string>(net, store, strict)
    await allOnline(w)
    await within(5, "write('x')", w.write('x'))
    const group = w.groupId.toString()
    await scope.closeCells()
    await net.stop()
    writeFileSync(join(dir, 'groups', group, 'owner.cbor'), new Uint8Array([1]))
    const again = await scope.network({ persist: dir })
    const observer = new Promise<void>((ok) =>
      again.onTelemetry((e) => e.type === 'group.joined' && e.group === group && e.preference === 'observer' && ok()),
    )
    const w2 = scope.writer<string>(again, store, strict)
    await within(5, 'the member to rejoin as an observer', observer)
    expect((again.groups.members.get(group) as { preference?: string } | undefined)?.preference).toBe('observer')
    expect(w2.getSnapshot().online).toBe(false)
  })
})
