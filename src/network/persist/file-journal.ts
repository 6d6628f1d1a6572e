import { decode, encode } from '../../core/codec.js'
import {
  type Journal,
  type JournalContents,
  type JournalOwner,
  PersistError,
  type PersistReport,
  type JournalStore as Store,
} from './journal.js'
import type { NodeBuiltins } from './node-builtins.js'

export { type NodeBuiltins, nodeBuiltins } from './node-builtins.js'

/** Frame header: payload length (u32 BE) and CRC-32 of the payload (u32 BE). */
const HEADER = 8
/** A record larger than this is damage, not data (the log's entries are bounded far below). */
const MAX_RECORD = 256 * 1024 * 1024
const CHECKPOINT = 'checkpoint.cbor'
const OWNER = 'owner.cbor'
const SEGMENT = /^(\d{10})\.log$/

function frame(b: NodeBuiltins, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, payload.length)
  view.setUint32(4, b.crc32(payload))
  out.set(payload, HEADER)
  return out
}

/**
 * Frames in `bytes`, up to the first torn or damaged one; `end` is where the good part ends.
 * `atTail`: the bad frame reaches the end of the file, as a crash mid-write leaves it; else
 * good data may follow it (damage to what was written and acknowledged).
 */
function unframe(
  b: NodeBuiltins,
  bytes: Uint8Array,
): { payloads: Uint8Array[]; end: number; damage?: string; atTail?: boolean } {
  const payloads: Uint8Array[] = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  while (at < bytes.length) {
    if (bytes.length - at < HEADER) return { payloads, end: at, damage: 'a torn record header', atTail: true }
    const length = view.getUint32(at)
    if (length > MAX_RECORD || bytes.length - at - HEADER < length)
      return { payloads, end: at, damage: `a torn record (length ${length})`, atTail: true }
    const payload = bytes.subarray(at + HEADER, at + HEADER + length)
    if (b.crc32(payload) !== view.getUint32(at + 4))
      return { payloads, end: at, damage: 'a checksum mismatch', atTail: at + HEADER + length === bytes.length }
    payloads.push(payload)
    at += HEADER + length
  }
  return { payloads, end: at }
}

/**
 * Journals in a directory, one subdirectory per namespace: `owner.cbor` (network and
 * namespace, checked on open), `checkpoint.cbor` (replaced by write-temp, fsync, rename, fsync
 * the directory) and append-only segments `NNNNNNNNNN.log` of checksummed records, each
 * fsynced before `append` returns. A checkpoint starts a new segment and deletes the older
 * ones. On open, the first torn or damaged record and everything after it are cut off
 * (a crash mid-write loses only what was never acknowledged).
 */
export class FileJournalStore implements Store {
  readonly #b: NodeBuiltins
  readonly #root: string
  readonly #network: string
  readonly #report: (r: PersistReport) => void
  readonly #open = new Set<FileJournal>()

  constructor(b: NodeBuiltins, root: string, network: string, report: (r: PersistReport) => void) {
    this.#b = b
    this.#root = root
    this.#network = network
    this.#report = report
  }

  open(namespace: string): Journal {
    if (!/^[0-9a-z._-]{1,128}$/i.test(namespace)) throw new PersistError('unsupported', `bad namespace ${namespace}`)
    const dir = this.#b.path.join(this.#root, 'groups', namespace)
    for (const j of this.#open)
      if (j.dir === dir) throw new PersistError('locked', `group ${namespace} is open already`)
    const owner = { network: this.#network, namespace }
    const make = (reset?: string) =>
      new FileJournal(this.#b, dir, owner, this.#report, (j) => this.#open.delete(j), reset)
    let journal: FileJournal
    try {
      journal = make()
    } catch (err) {
      if (!(err instanceof PersistError)) throw ioError(dir, err)
      if (err.kind !== 'corrupt') throw err
      // Damaged beyond the torn tail a crash leaves: keep it aside for inspection, start over
      // (the group then catches up from its peers), and say so.
      const aside = `${dir}.corrupt-${Date.now()}`
      this.#b.fs.renameSync(dir, aside)
      const detail = `${err.message}; moved to ${aside}`
      this.#report({ type: 'persist.refused', namespace, kind: 'corrupt', detail })
      journal = make(detail)
    }
    this.#open.add(journal)
    return journal
  }

  async close(): Promise<void> {
    for (const j of [...this.#open]) j.close()
  }
}

/** An I/O failure as a typed error: `quota` for a full disk, else `io`. */
function ioError(dir: string, cause: unknown): PersistError {
  const code = (cause as { code?: string }).code
  const kind = code === 'ENOSPC' || code === 'EDQUOT' ? 'quota' : 'io'
  return new PersistError(kind, `cannot use ${dir}: ${(cause as Error).message}`, { cause })
}

class FileJournal implements Journal {
  readonly loaded: JournalContents
  readonly pending = undefined
  readonly #b: NodeBuiltins
  readonly #dir: string
  readonly #onClose: (j: FileJournal) => void
  #segment: number
  #fd: number | undefined
  #tailBytes = 0
  #tailRecords = 0
  #failed: PersistError | undefined

  constructor(
    b: NodeBuiltins,
    dir: string,
    owner: JournalOwner,
    report: (r: PersistReport) => void,
    onClose: (j: FileJournal) => void,
    reset?: string,
  ) {
    this.#b = b
    this.#dir = dir
    this.#onClose = onClose
    const { fs } = b
    fs.mkdirSync(dir, { recursive: true })
    this.#checkOwner(owner)
    const cp = this.#readCheckpoint()
    const segments = fs
      .readdirSync(dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b)
    const records: unknown[] = []
    let last = cp.segment
    let damaged = false
    let lost: string | undefined
    for (const [n, seq] of segments.entries()) {
      const file = this.#file(seq)
      if (seq < cp.segment || damaged) {
        fs.rmSync(file, { force: true })
        continue
      }
      last = seq
      const bytes = fs.readFileSync(file)
      const { payloads, end, damage, atTail } = unframe(b, bytes)
      let good = payloads.length
      for (let i = 0; i < payloads.length; i++) {
        try {
          records.push(decode(payloads[i] as Uint8Array))
        } catch {
          good = i
          break
        }
      }
      if (damage !== undefined || good < payloads.length) {
        damaged = true
        let cut = end
        if (good < payloads.length) {
          cut = 0
          for (let i = 0; i < good; i++) cut += HEADER + (payloads[i] as Uint8Array).length
        }
        fs.truncateSync(file, cut)
        const fd = fs.openSync(file, 'r+')
        fs.fsyncSync(fd)
        fs.closeSync(fd)
        // A torn last record is what a crash mid-write leaves: it was never acknowledged.
        // Anything else (bit rot, a record cut out of the middle) may have been.
        const torn = atTail === true && good === payloads.length && n === segments.length - 1
        const what = `segment ${seq}: ${damage ?? 'an undecodable record'} at byte ${cut}`
        if (!torn) lost = `${what}; acknowledged records after it are lost`
        report({
          type: 'persist.recovered',
          namespace: owner.namespace,
          records: records.length,
          droppedBytes: bytes.length - cut,
          detail: torn ? `${what}: a torn tail, never acknowledged` : (lost as string),
        })
      }
      this.#tailBytes += end
    }
    this.#tailRecords = records.length
    this.#segment = last
    const why = reset ?? lost
    this.loaded = { checkpoint: cp.state, records, ...(why ? { reset: why } : {}) }
  }

  get dir(): string {
    return this.#dir
  }
  get tailBytes(): number {
    return this.#tailBytes
  }
  get tailRecords(): number {
    return this.#tailRecords
  }
  get failed(): PersistError | undefined {
    return this.#failed
  }

  append(record: unknown): void {
    this.#write(() => {
      const bytes = frame(this.#b, encode(record))
      const fd = this.#appendFd()
      this.#b.fs.writeSync(fd, bytes)
      this.#b.fs.fdatasyncSync(fd)
      this.#tailBytes += bytes.length
      this.#tailRecords++
    })
  }

  checkpoint(state: unknown): void {
    this.#write(() => {
      const { fs } = this.#b
      // A new segment first: a crash before the rename leaves the old checkpoint and every
      // segment after it, which still replay to the same state.
      this.#closeFd()
      this.#segment++
      this.#fd = fs.openSync(this.#file(this.#segment), 'a')
      this.#atomicWrite(CHECKPOINT, frame(this.#b, encode({ segment: this.#segment, state })))
      for (const name of fs.readdirSync(this.#dir)) {
        const seq = SEGMENT.exec(name)?.[1]
        if (seq !== undefined && Number(seq) < this.#segment)
          fs.rmSync(this.#b.path.join(this.#dir, name), { force: true })
      }
      this.#tailBytes = 0
      this.#tailRecords = 0
    })
  }

  close(): void {
    this.#closeFd()
    this.#onClose(this)
  }

  #write(fn: () => void): void {
    if (this.#failed) throw this.#failed
    try {
      fn()
    } catch (cause) {
      this.#failed = ioError(this.#dir, cause)
      this.#closeFd()
      throw this.#failed
    }
  }

  #appendFd(): number {
    if (this.#fd === undefined) {
      const file = this.#file(this.#segment)
      const created = !this.#b.fs.existsSync(file)
      this.#fd = this.#b.fs.openSync(file, 'a')
      if (created) this.#fsyncDir()
    }
    return this.#fd
  }

  #closeFd(): void {
    if (this.#fd === undefined) return
    try {
      this.#b.fs.closeSync(this.#fd)
    } catch {
      // Already closed: nothing was pending (every append fsyncs).
    }
    this.#fd = undefined
  }

  #file(seq: number): string {
    return this.#b.path.join(this.#dir, `${String(seq).padStart(10, '0')}.log`)
  }

  #atomicWrite(name: string, bytes: Uint8Array): void {
    const { fs, path } = this.#b
    const tmp = path.join(this.#dir, `${name}.tmp`)
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeSync(fd, bytes)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, path.join(this.#dir, name))
    this.#fsyncDir()
  }

  #fsyncDir(): void {
    const fd = this.#b.fs.openSync(this.#dir, 'r')
    try {
      this.#b.fs.fsyncSync(fd)
    } catch {
      // Some platforms cannot fsync a directory; the rename is then as durable as they allow.
    } finally {
      this.#b.fs.closeSync(fd)
    }
  }

  #checkOwner(owner: JournalOwner): void {
    const file = this.#b.path.join(this.#dir, OWNER)
    if (!this.#b.fs.existsSync(file)) {
      this.#atomicWrite(OWNER, frame(this.#b, encode({ v: 1, ...owner })))
      return
    }
    const { payloads, damage } = unframe(this.#b, this.#b.fs.readFileSync(file))
    let found: Partial<JournalOwner> | undefined
    try {
      found = payloads[0] && !damage ? decode<Partial<JournalOwner>>(payloads[0]) : undefined
    } catch {
      found = undefined
    }
    if (!found || typeof found.network !== 'string' || typeof found.namespace !== 'string')
      throw new PersistError('corrupt', `${file} is damaged: cannot tell whose store ${this.#dir} is`)
    if (found.network !== owner.network || found.namespace !== owner.namespace)
      throw new PersistError(
        'foreign',
        `${this.#dir} belongs to network ${found.network} group ${found.namespace}, not network ${owner.network} group ${owner.namespace}`,
      )
  }

  #readCheckpoint(): { segment: number; state: unknown } {
    const file = this.#b.path.join(this.#dir, CHECKPOINT)
    if (!this.#b.fs.existsSync(file)) return { segment: 0, state: undefined }
    const { payloads, damage } = unframe(this.#b, this.#b.fs.readFileSync(file))
    try {
      const cp = payloads[0] && !damage ? decode<{ segment?: unknown; state?: unknown }>(payloads[0]) : undefined
      if (cp && typeof cp.segment === 'number' && Number.isSafeInteger(cp.segment) && cp.segment >= 0)
        return { segment: cp.segment, state: cp.state }
    } catch {
      // reported below
    }
    // The checkpoint is written by rename, so this is damage after the fact: the records
    // after it cannot be replayed without it.
    throw new PersistError('corrupt', `${file} is damaged; the group's stored state cannot be used`)
  }
}
