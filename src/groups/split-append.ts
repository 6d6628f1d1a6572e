import type { LogCommand } from './log-command.js'
import type { Entry, Message } from './raft/types.js'

/**
 * Sends one Raft message with `send`, which throws when the frame would be too large. An
 * AppendEntries that does not fit is split into consecutive ones, each chained on the last
 * entry of the previous part (`prevIndex`/`prevTerm`/`prevLeader`) with the commit index
 * capped at its own last entry: a follower treats the parts exactly like the whole (Raft
 * §5.3). Anything else that does not fit is dropped and reported; the core retries.
 */
export function sendSplitting(m: Message<LogCommand>, send: (m: Message<LogCommand>) => void): void {
  try {
    send(m)
    return
  } catch (err) {
    if (m.type !== 'appendEntries' || m.entries.length < 2) {
      console.error(`mosaik-react: cannot send ${m.type} to ${m.to}`, err)
      return
    }
  }
  const half = Math.ceil(m.entries.length / 2)
  const head = m.entries.slice(0, half)
  const last = head[head.length - 1] as Entry<LogCommand>
  sendSplitting({ ...m, entries: head, commit: Math.min(m.commit, last.index) }, send)
  const { prevLeader: _, ...rest } = m
  sendSplitting(
    {
      ...rest,
      prevIndex: last.index,
      prevTerm: last.term,
      ...(last.leader === undefined ? {} : { prevLeader: last.leader }),
      entries: m.entries.slice(half),
    },
    send,
  )
}
