import type { Version } from '../../core/id.js'
import { pack, packable } from '../bond/packed-commands.js'
import { toWire } from '../bond/wire-entries.js'
import type { LogCommand } from '../log-command.js'
import type { Message, Ready } from '../raft/types.js'
import { sendSplitting } from '../split-append.js'
import type { MemberParts } from './parts.js'

/** What the effects of a Ready set off in the member's other rooms. */
export interface EffectsHost {
  /** This member took office; `lastIndex` is its log's end (its no-op): see `CatchUp.tookOffice`. */
  tookOffice(lastIndex: Version): void
  /** The log was rolled back to `to` (a healed partition in default mode). */
  reverted(to: Version): void
  /** The core needs a snapshot at or past `index`. */
  needsSnapshot(index: Version): void
}

/** Steps 2 to 5 of a Ready, once what it depends on is durable: send, roll back, apply, answer, sync. */
export function runEffects(m: MemberParts, host: EffectsHost, rd: Ready<LogCommand>): void {
  // 2. Send.
  for (const msg of rd.messages) {
    if (msg.type === 'vote') {
      m.telemetry.emit({ type: 'group.vote', term: msg.term, candidate: msg.to, vote: msg.vote })
    }
    sendRaft(m, msg)
  }
  if (rd.softState?.role === 'leader') host.tookOffice(m.core.status().lastIndex)
  // 3. Roll back, 4. apply.
  if (rd.reverted !== undefined) host.reverted(rd.reverted)
  // While a snapshot installs, committed entries wait: the core delivers them again after it.
  if (!m.sync.syncing) m.applier.apply(rd.committed)
  // 5. Answer callers.
  for (const p of rd.proposals) m.pending.settle(p.requestId, p)
  for (const r of rd.readStates) m.pending.settle(r.requestId, r)
  if (rd.needsSnapshot) host.needsSnapshot(rd.needsSnapshot.index)
}

/**
 * Sends a raft message over its bond, an oversized AppendEntries in parts (`split-append.ts`).
 * Sender and receiver stay off the wire: the bond knows both (`parseBondMessage` puts them back).
 */
function sendRaft(m: MemberParts, msg: Message<LogCommand>): void {
  sendSplitting(msg, (part) => {
    if (part.type === 'appendEntries') {
      const { from: _, to, entries, ...rest } = part
      m.bonds.send(to, { type: 'raft', m: { ...rest, x: toWire(entries, rest.prevLeader) } })
    } else if (part.type === 'forwardCommand' && part.commands.every(packable)) {
      const { from: _, to, commands, ...rest } = part
      m.bonds.send(to, { type: 'raft', m: { ...rest, p: pack(commands) } })
    } else {
      const { from: _, to, ...wire } = part
      m.bonds.send(to, { type: 'raft', m: wire })
    }
  })
}
