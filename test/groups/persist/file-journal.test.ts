import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DurableStorage } from '../../../src/groups/durable-storage.js'
import type { Entry } from '../../../src/groups/raft/types.js'
import { FileJournalStore, nodeBuiltins } from '../../../src/network/persist/file-journal.js'
import { PersistError, type PersistReport } from '../../../src/network/persist/journal.js'

const root = mkdtempSync(join(tmpdir(), 'mosaik-journal-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const b = nodeBuiltins()!
const NS = 'a'.repeat(64)

function store(name: string, reports: PersistReport[] = [], network = 'net') {
  return new FileJournalStore(b, join(root, name), network, (r) => reports.push(r))
}
function entries(from: number, to: number, term = 1): Entry<unknown>[] {
  const out: Entry<unknown>[] = []
  for (let i = from; i <= to; i++)
    out.push({ index: i, term, command: { t: 'cmd', b: new Uint8Array([i & 255]) } } as Entry<unknown>)
  return out
}
function segments(name: string): string[] {
  return readdirSync(join(root, name, 'groups', NS)).filter((f) => f.endsWith('.log'))
}

describe('FileJournalStore', () => {
  it('replays what was appended, in order', () => {
    const j = store('replay').open(NS)
    j.append({ x: 1 })
    j.append({ x: 2, bytes: new Uint8Array([1, 2, 3]) })
    j.close()
    const again = store('replay').open(NS)
    expect(again.loaded.records).toEqual([{ x: 1 }, { x: 2, bytes: new Uint8Array([1, 2, 3]) }])
  })

  it('cuts a torn tail at the first bad record and reports it', () => {
    const j = store('torn').open(NS)
    for (let i = 0; i < 5; i++) j.append({ i })
    j.close()
    const file = join(root, 'torn', 'groups', NS, segments('torn')[0]!)
    const size = statSync(file).size
    truncateSync(file, size - 3) // a crash mid-write of the last record
    const reports: PersistReport[] = []
    const again = store('torn', reports).open(NS)
    expect(again.loaded.records).toEqual([0, 1, 2, 3].map((i) => ({ i })))
    expect(reports).toMatchObject([{ type: 'persist.recovered', namespace: NS, records: 4 }])
    expect(reports[0]?.detail).toMatch(/torn tail/)
    expect(again.loaded.reset).toBeUndefined()
    // Appends continue after the cut, and the next open sees them.
    again.append({ i: 99 })
    again.close()
    expect(store('torn').open(NS).loaded.records).toEqual([...[0, 1, 2, 3].map((i) => ({ i })), { i: 99 }])
  })

  it('drops records after a checksum mismatch (bit rot), not only a short tail', () => {
    const j = store('flip').open(NS)
    for (let i = 0; i < 3; i++) j.append({ i, pad: 'x'.repeat(20) })
    j.close()
    const file = join(root, 'flip', 'groups', NS, segments('flip')[0]!)
    const bytes = readFileSync(file)
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0xff, bytes.length - 2)
    writeFileSync(file, bytes)
    const reports: PersistReport[] = []
    expect(store('flip', reports).open(NS).loaded.records).toEqual([0, 1].map((i) => ({ i, pad: 'x'.repeat(20) })))
    // The last record: as likely a torn write as rot, and never followed by anything.
    expect(reports[0]?.detail).toMatch(/checksum/)
  })

  it('garbage appended to a segment (a huge length) is cut, not allocated', () => {
    const j = store('garbage').open(NS)
    j.append({ ok: true })
    j.close()
    appendFileSync(
      join(root, 'garbage', 'groups', NS, segments('garbage')[0]!),
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1]),
    )
    expect(store('garbage').open(NS).loaded.records).toEqual([{ ok: true }])
  })

  it('a checkpoint replaces older segments; storage stays bounded', () => {
    const j = store('checkpoint').open(NS)
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 30; i++) j.append({ round, i })
      j.checkpoint({ round })
    }
    j.append({ after: true })
    j.close()
    expect(segments('checkpoint').length).toBe(1)
    const again = store('checkpoint').open(NS)
    expect(again.loaded.checkpoint).toEqual({ round: 4 })
    expect(again.loaded.records).toEqual([{ after: true }])
  })

  it('refuses a group directory of another network', () => {
    store('foreign', [], 'net-a').open(NS).close()
    expect(() => store('foreign', [], 'net-b').open(NS)).toThrow(PersistError)
    expect(() => store('foreign', [], 'net-b').open(NS)).toThrow(/belongs to network net-a/)
  })

  it('moves a damaged checkpoint aside, reports it and starts the group over', () => {
    const j = store('badcp').open(NS)
    j.append({ i: 1 })
    j.checkpoint({ state: 1 })
    j.close()
    writeFileSync(join(root, 'badcp', 'groups', NS, 'checkpoint.cbor'), new Uint8Array([1, 2, 3]))
    const reports: PersistReport[] = []
    const again = store('badcp', reports).open(NS)
    expect(again.loaded).toMatchObject({ checkpoint: undefined, records: [], reset: expect.stringMatching(/damaged/) })
    expect(reports).toMatchObject([{ type: 'persist.refused', kind: 'corrupt' }])
    expect(readdirSync(join(root, 'badcp', 'groups')).some((d) => d.includes('.corrupt-'))).toBe(true)
  })

  it('a failing disk (ENOSPC) is a typed quota error, reported once by DurableStorage', () => {
    const failures: PersistError[] = []
    let full = false
    const failing = {
      ...b,
      fs: {
        ...b.fs,
        writeSync: (...args: Parameters<typeof b.fs.writeSync>) => {
          if (full) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
          return (b.fs.writeSync as (...a: unknown[]) => number)(...args)
        },
      } as typeof b.fs,
    }
    const j = new FileJournalStore(failing, join(root, 'full'), 'net', () => {}).open(NS)
    const s = new DurableStorage(new FileJournalStore(failing, join(root, 'full2'), 'net', () => {}).open(NS), (e) =>
      failures.push(e),
    )
    full = true
    expect(() => j.append({ i: 1 })).toThrow(expect.objectContaining({ kind: 'quota' }))
    s.append(entries(1, 3))
    s.append(entries(4, 5))
    expect(failures.map((e) => e.kind)).toEqual(['quota'])
    // The member keeps its log in memory.
    expect(s.load()).toBeUndefined()
    s.saveHardState({ term: 1, votedFor: undefined, commit: 5 })
    expect(s.load()?.entries.length).toBe(5)
  })
})

describe('DurableStorage on files', () => {
  it('restores hard state, log and state across reopen; checkpoints keep the journal bounded', () => {
    const open = () => new DurableStorage(store('durable').open(NS), () => {}, { records: 5 })
    const s = open()
    let index = 0
    for (let round = 0; round < 20; round++) {
      s.saveReady(undefined, entries(index + 1, index + 10), { term: 1, votedFor: 'me', commit: index + 10 })
      index += 10
      s.compact(index - 5)
      if (s.wantsCheckpoint()) s.checkpoint({ index: index - 2, term: 1, items: [new Uint8Array([index])] })
    }
    s.close()
    expect(segments('durable').length).toBe(1)
    const again = open()
    const restore = again.load()!
    expect(restore.hardState).toEqual({ term: 1, votedFor: 'me', commit: 200 })
    expect(restore.entries.at(-1)?.index).toBe(200)
    const state = again.loadState()!
    // The log covers everything after the snapshot point, which is at or below the state.
    expect(restore.snapshot!.index).toBeLessThanOrEqual(state.index)
    expect(restore.entries[0]?.index).toBe(restore.snapshot!.index + 1)
    expect(state.items).toEqual([new Uint8Array([state.index + 2])])
    expect(restore.entries.length).toBeLessThan(80)
  })

  it('keeps the caught-up flag with the hard state across reopen and checkpoint; a bad one is corrupt', () => {
    const open = (name: string) => new DurableStorage(store(name).open(NS), () => {})
    const s = open('caught')
    s.saveReady(undefined, entries(1, 3), { term: 2, votedFor: 'x', commit: 3, caughtUp: false })
    s.close()
    expect(open('caught').load()?.hardState).toEqual({ term: 2, votedFor: 'x', commit: 3, caughtUp: false })
    const t = open('caught')
    t.saveHardState({ term: 2, votedFor: 'x', commit: 3, caughtUp: true })
    t.checkpoint({ index: 3, term: 2, items: [] })
    t.close()
    expect(open('caught').load()?.hardState.caughtUp).toBe(true)
    const j = store('badflag').open(NS)
    j.append({ t: 'r', e: entries(1, 1), h: { term: 1, votedFor: undefined, commit: 1, caughtUp: 'yes' } })
    j.close()
    expect(() => open('badflag')).toThrow(expect.objectContaining({ kind: 'corrupt' }))
  })

  it('forgets a checkpointed state whose entries a new leader overwrote', () => {
    const open = () => new DurableStorage(store('stale').open(NS), () => {})
    const s = open()
    s.saveReady(undefined, entries(1, 10), { term: 1, votedFor: undefined, commit: 10 })
    s.checkpoint({ index: 10, term: 1, items: ['old'] })
    s.saveReady(8, entries(8, 9, 2), { term: 2, votedFor: undefined, commit: 10 })
    expect(s.loadState()).toBeUndefined()
    s.close()
    expect(open().loadState()).toBeUndefined()
    expect(existsSync(join(root, 'stale'))).toBe(true)
  })

  it('refuses records that pass the checksum but do not form a log (a typed corrupt error, no crash)', () => {
    const j = store('shapes').open(NS)
    j.append({ t: 'r', e: entries(1, 2), h: { term: 1, votedFor: undefined, commit: 2 } })
    j.append({ t: 'r', e: entries(5, 5) }) // a gap
    j.close()
    expect(() => new DurableStorage(store('shapes').open(NS), () => {})).toThrow(
      expect.objectContaining({ kind: 'corrupt' }),
    )
    const k = store('shapes2').open(NS)
    k.append({ t: 'r', e: 'not entries' })
    k.close()
    expect(() => new DurableStorage(store('shapes2').open(NS), () => {})).toThrow(PersistError)
  })

  it('damage in the middle of a segment is reported as a loss of acknowledged records (reset)', () => {
    const j = store('rot').open(NS)
    for (let i = 0; i < 3; i++) j.append({ i, pad: 'y'.repeat(20) })
    j.close()
    const file = join(root, 'rot', 'groups', NS, segments('rot')[0]!)
    const bytes = readFileSync(file)
    bytes.writeUInt8(bytes.readUInt8(12) ^ 0xff, 12) // inside the first record's payload
    writeFileSync(file, bytes)
    const reports: PersistReport[] = []
    const again = store('rot', reports).open(NS)
    expect(again.loaded.records).toEqual([])
    expect(again.loaded.reset).toMatch(/acknowledged records after it are lost/)
    expect(reports[0]?.detail).toMatch(/lost/)
  })
})
