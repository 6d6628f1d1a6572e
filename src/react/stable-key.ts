import { bytesToHex } from '@noble/hashes/utils.js'
import { UniqueId } from '../core/id.js'

const identities = new WeakMap<object, number>()
let nextIdentity = 0

function identity(value: object): string {
  let id = identities.get(value)
  if (id === undefined) {
    id = ++nextIdentity
    identities.set(value, id)
  }
  return `#${id}`
}

/**
 * A string that is equal for equal option content, whatever the object identity: plain
 * objects by sorted keys (undefined members skipped), arrays in order, bytes and ids as hex.
 * Anything else that is an object (functions, class instances such as schemas or libp2p
 * components) is keyed by identity, since its content cannot be compared.
 */
export function stableKey(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'u'
    case 'string':
      return JSON.stringify(value)
    case 'number':
    case 'boolean':
      return String(value)
    case 'bigint':
      return `${value}n`
    case 'symbol':
      return value.toString()
    case 'function':
      return identity(value)
  }
  if (value === null) return 'null'
  if (value instanceof UniqueId) return `id:${value.toString()}`
  if (value instanceof Uint8Array) return `u8:${bytesToHex(value)}`
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return identity(value as object)
  const record = value as Record<string, unknown>
  const parts: string[] = []
  for (const k of Object.keys(record).sort()) {
    if (record[k] !== undefined) parts.push(`${JSON.stringify(k)}:${stableKey(record[k])}`)
  }
  return `{${parts.join(',')}}`
}
