import { fromWire } from '../../../../src/groups/bond/wire-entries.js'
import type { LogCommand } from '../../../../src/groups/log-command.js'
import type { Message, RaftRestore } from '../../../../src/groups/raft/types.js'
import type { Life } from './scheduler.js'

/**
 * Persist before send (Raft §5, Figure 2), checked from outside the driver: what a member's
 * raft messages promised once they left its process, against what its store gives back when it
 * restarts from it.
 * - terms: a member that sent a message of term T restarts at term T or later;
 * - votes not forgotten: a member that voted in term T (for itself as a candidate, or granted or
 *   abstained, which uses the vote up too) restarts remembering that vote if it restarts in T,
 *   and never votes for another candidate in T;
 * - entries (strict mode, where one leader leads a term): a leader that sent entries up to m in
 *   term T, or a follower that acknowledged its log up to m in T, restarts with its log reaching
 *   m if it restarts in T (within one leader's term, what matched its log is never cut).
 * A member is its peer id: a restart that keeps the store keeps it; a fresh one gets another.
 */
export class PersistLedger {
  /** Restarts from a kept store that were checked. */
  restarts = 0
  /** Raft messages seen leaving members. */
  messages = 0
  readonly #fail: (message: string) => void
  readonly #lives = new Map<string, Life>()
  /** Peer -> the highest term of any raft message it sent. */
  readonly #terms = new Map<string, number>()
  /** Peer -> term -> the candidate it voted for. */
  readonly #votes = new Map<string, Map<number, string>>()
  /** Peer -> the furthest log index it sent or acknowledged as its own, and in which term. */
  readonly #logs = new Map<string, { term: number; index: number }>()
  readonly #strict: boolean

  constructor(strict: boolean, fail: (message: string) => void) {
    this.#strict = strict
    this.#fail = fail
  }

  /** `peer` (incarnation `name`) starts; `restored`: what it loaded from a kept store. */
  started(peer: string, life: Life, restored: RaftRestore<unknown> | undefined, name: string): void {
    this.#lives.set(peer, life)
    const term = this.#terms.get(peer)
    if (term === undefined) return
    this.restarts++
    const durable = restored?.hardState.term ?? 0
    if (durable < term) {
      this.#fail(
        `${name} restarted at term ${durable} after sending a message of term ${term} (not durable before sent)`,
      )
      return
    }
    const voted = this.#votes.get(peer)?.get(durable)
    const now = restored?.hardState.votedFor
    if (voted !== undefined && now !== voted) {
      this.#fail(
        `vote forgotten: ${name} voted for ${voted} in term ${durable} and restarted with vote ${now ?? 'none'}`,
      )
      return
    }
    const log = this.#logs.get(peer)
    const last = restored?.entries.at(-1)?.index ?? restored?.snapshot?.index ?? 0
    if (log && log.term === durable && last < log.index)
      this.#fail(`${name} restarted with its log ending at ${last} after sending it to ${log.index} in term ${durable}`)
  }

  /** A frame `peer` sends (seen as it leaves the process). */
  sent(peer: string, frame: unknown, to?: string): void {
    const f = frame as { type?: string; m?: Message<LogCommand> }
    if (f.type !== 'raft' || !f.m || !this.#lives.get(peer)?.alive) return
    const m = f.m
    this.messages++
    if (m.term > (this.#terms.get(peer) ?? 0)) this.#terms.set(peer, m.term)
    if (m.type === 'requestVote') this.#voted(peer, m.term, peer)
    else if (m.type === 'vote' && m.vote !== 'denied') this.#voted(peer, m.term, to ?? m.to)
    else if (m.type === 'appendEntries') this.#logged(peer, m.term, m.prevIndex + sentEntries(m))
    else if (m.type === 'appendEntriesResponse' && m.success) this.#logged(peer, m.term, m.lastIndex)
  }

  #logged(peer: string, term: number, index: number): void {
    if (!this.#strict) return
    const log = this.#logs.get(peer)
    if (!log || log.term < term) this.#logs.set(peer, { term, index })
    else if (log.term === term && log.index < index) log.index = index
  }

  #voted(peer: string, term: number, candidate: string): void {
    let votes = this.#votes.get(peer)
    if (!votes) {
      votes = new Map()
      this.#votes.set(peer, votes)
    }
    const before = votes.get(term)
    if (before !== undefined && before !== candidate)
      this.#fail(`vote forgotten: ${peer} voted for ${before} in term ${term}, then for ${candidate}`)
    votes.set(term, candidate)
  }
}

/** How many entries an AppendEntries carries, packed (`x`, as members send them) or plain. */
function sentEntries(m: Message<LogCommand>): number {
  const w = m as { entries?: unknown[]; x?: unknown; prevIndex: number; prevLeader?: string }
  return w.entries?.length ?? (w.x === undefined ? 0 : (fromWire(w.x, w.prevIndex, w.prevLeader)?.length ?? 0))
}
