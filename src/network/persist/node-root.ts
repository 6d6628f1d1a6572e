import { decode, encode } from '../../core/codec.js'
import { FileJournalStore, type NodeBuiltins } from './file-journal.js'
import { PersistError } from './journal.js'
import { type OpenedRoot, type PersistRoot, type RootOptions, safeName } from './persistence.js'

const LOCK = 'lock'
const IDENTITY = 'identity.key'
const OWNER = 'owner.cbor'
/** Directories this process holds (a second network in the same process must not share one). */
const held = new Set<string>()

/**
 * Opens a persisted network in a directory (`persist: true` = `./.mosaik/<network>`). The
 * directory is locked for this process with a `lock` file holding its pid; a lock whose
 * process is gone (a crash, SIGKILL) is stale and taken over.
 */
export function openNodeRoot(b: NodeBuiltins, options: RootOptions): OpenedRoot {
  const { fs, path } = b
  const dir = path.resolve(options.persist === true ? path.join('.mosaik', safeName(options.name)) : options.persist)
  fs.mkdirSync(dir, { recursive: true })
  const lockError = lock(b, dir)
  if (lockError) return { ok: false, error: lockError }
  const read = (name: string): Uint8Array | undefined => {
    const file = path.join(dir, name)
    return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : undefined
  }
  const write = (name: string, bytes: Uint8Array, mode = 0o644) => {
    const tmp = path.join(dir, `${name}.tmp`)
    const fd = fs.openSync(tmp, 'w', mode)
    try {
      fs.writeSync(fd, bytes)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, path.join(dir, name))
    const dfd = fs.openSync(dir, 'r')
    try {
      fs.fsyncSync(dfd)
    } catch {
      // not supported on this platform
    } finally {
      fs.closeSync(dfd)
    }
  }
  let owner: { network: string; peer: string } | undefined
  const ownerBytes = read(OWNER)
  if (ownerBytes) {
    try {
      const o = decode<{ network?: unknown; peer?: unknown }>(ownerBytes)
      if (typeof o.network === 'string' && typeof o.peer === 'string') owner = { network: o.network, peer: o.peer }
    } catch {
      owner = undefined
    }
    if (!owner) {
      unlock(b, dir)
      return { ok: false, error: new PersistError('corrupt', `${path.join(dir, OWNER)} is damaged`) }
    }
  }
  const journals = new FileJournalStore(b, dir, options.network, options.report)
  const root: PersistRoot = {
    where: dir,
    identity: read(IDENTITY),
    owner,
    saveIdentity: async (key) => write(IDENTITY, key, 0o600),
    saveOwner: async (o) => write(OWNER, encode(o)),
    journals,
    close: async () => {
      await journals.close()
      unlock(b, dir)
    },
  }
  return { ok: true, root }
}

function lock(b: NodeBuiltins, dir: string): PersistError | undefined {
  const { fs, path } = b
  const file = path.join(dir, LOCK)
  if (held.has(dir)) return new PersistError('locked', `${dir} is in use by another network of this process`)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644)
      fs.writeSync(fd, String(process.pid))
      fs.fsyncSync(fd)
      fs.closeSync(fd)
      held.add(dir)
      return undefined
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') return new PersistError('io', `cannot lock ${dir}: ${err}`)
    }
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10)
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      return new PersistError('locked', `${dir} is in use by process ${pid}`)
    // Stale: its process is gone (or the file is garbage). Take it over.
    fs.rmSync(file, { force: true })
  }
  return new PersistError('locked', `cannot take the lock of ${dir}`)
}

function unlock(b: NodeBuiltins, dir: string): void {
  if (!held.delete(dir)) return
  b.fs.rmSync(b.path.join(dir, LOCK), { force: true })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'
  }
}
