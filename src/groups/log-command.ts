import type { PeerId } from '../core/id.js'

/**
 * What a group's Raft log carries. The driver wraps every application command so the
 * state machine never sees the group's own entries:
 * - `cmd`: one application command, CBOR-encoded once by the proposer so every replica
 *   decodes the same bytes (`o` tags the proposer's call, to notice an entry lost to a
 *   leader change);
 * - `snap`: mosaik's `TakeSnapshot`: every member that commits it snapshots its state at
 *   that index for the requester (`by`);
 * - `noop`: a leader's term-opening barrier (Raft §5.4.2, §8).
 */
export type LogCommand =
  | { readonly t: 'cmd'; readonly b: Uint8Array; readonly o?: string }
  | { readonly t: 'snap'; readonly by: PeerId }
  | { readonly t: 'noop' }

/** The command of a leader's term-opening entry (`RaftOptions.noop`); never applied. */
export const NOOP: LogCommand = Object.freeze({ t: 'noop' })

/** Structural check of a command received from a peer. */
export function isLogCommand(x: unknown): x is LogCommand {
  if (typeof x !== 'object' || x === null) return false
  const c = x as Record<string, unknown>
  switch (c.t) {
    case 'cmd':
      return c.b instanceof Uint8Array && (c.o === undefined || typeof c.o === 'string')
    case 'snap':
      return typeof c.by === 'string'
    case 'noop':
      return true
    default:
      return false
  }
}
