import { constants } from 'node:fs'
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'

/** Largest key file accepted (an Ed25519 protobuf key in hex is ~140 characters). */
const MAX_KEY_FILE = 4_096

/**
 * Loads the node identity kept in `path`, or creates it there on first use: a fresh
 * Ed25519 key, libp2p-protobuf-encoded, written as one line of hex with mode 0600 (created
 * exclusively, so two processes starting at once never overwrite each other's key).
 * Returns the protobuf bytes, which `Network.create({ secretKey })` accepts.
 *
 * Throws a clear error for a file that is not a key, and refuses a file readable by
 * group or others (a leaked key lets anyone impersonate the relay).
 */
export async function loadOrCreateKeyFile(path: string): Promise<{ secretKey: Uint8Array; created: boolean }> {
  try {
    return { secretKey: await readKeyFile(path), created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const key = privateKeyToProtobuf(await generateKeyPair('Ed25519'))
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  } catch (err) {
    // Another process created it between our read and our create: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { secretKey: await readKeyFile(path), created: false }
    throw err
  }
  try {
    await handle.writeFile(`${Buffer.from(key).toString('hex')}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  // The umask may have narrowed the mode further; it must not have widened it.
  await chmod(path, 0o600)
  return { secretKey: key, created: true }
}

async function readKeyFile(path: string): Promise<Uint8Array> {
  const info = await stat(path)
  if (!info.isFile()) throw new Error(`key file ${path} is not a regular file`)
  if (info.size > MAX_KEY_FILE) throw new Error(`key file ${path} is too large (${info.size} bytes) to be a key`)
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new Error(
      `key file ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    )
  }
  const text = (await readFile(path, 'utf8')).trim()
  if (!/^([0-9a-f]{2})+$/i.test(text)) throw new Error(`key file ${path} does not hold a hex-encoded libp2p key`)
  const bytes = new Uint8Array(Buffer.from(text, 'hex'))
  try {
    privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new Error(`key file ${path} does not hold a libp2p private key: ${(err as Error).message}`)
  }
  return bytes
}
