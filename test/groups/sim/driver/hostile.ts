import type { Scheduler } from './scheduler.js'
import type { SimChannel } from './sim-channel.js'
import type { SimProcess } from './sim-net.js'
import type { RegisterItem } from './sim-register.js'

/** The hostile member's process and its real member. */
export interface HostileSlot {
  readonly proc: SimProcess
  readonly member: { getSnapshot(): { commit: number; term: number } }
}

/** How far above its own commit the hostile member claims a snapshot. */
const AHEAD = 1_000
const OFFER_EVERY_MS = 100

/** The forged state: a value no client wrote and a history no replica applied. */
export const FORGED_VALUE = 'forged'

/**
 * A writer whose driver is real but whose sync frames lie: every 100 virtual ms it offers
 * every bonded member a snapshot 1,000 entries past its commit (nobody vouched for it), and
 * answers fetches of it with a forged state. An honest driver keeps such offers waiting for
 * the leader's commit and never installs them.
 */
export class Hostile {
  readonly #sched: Scheduler
  readonly #slot: () => HostileSlot
  readonly #forged = new Set<number>()
  offers = 0
  served = 0

  constructor(sched: Scheduler, slot: () => HostileSlot) {
    this.#sched = sched
    this.#slot = slot
    this.#sched.at(OFFER_EVERY_MS, () => this.#offer())
  }

  #offer(): void {
    const { proc, member } = this.#slot()
    this.#sched.at(OFFER_EVERY_MS, () => this.#offer())
    if (!proc.life?.alive) return
    const s = member.getSnapshot()
    const index = s.commit + AHEAD
    this.#forged.add(index)
    for (const ch of proc.channels) {
      if (!ch.established || ch.isClosed) continue
      this.offers++
      ch.sendRaw({ type: 'sync', m: { type: 'offer', index, term: s.term, items: 1 } })
    }
  }

  /** Its own driver's answers to fetches of a forged snapshot are replaced by the forged state. */
  tamper(_ch: SimChannel, m: unknown): unknown {
    const frame = m as { type?: string; m?: { type?: string; index?: number; start?: number } }
    if (frame.type !== 'sync' || frame.m?.type !== 'data' || !this.#forged.has(frame.m.index ?? -1)) return m
    this.served++
    const index = frame.m.index as number
    const item: RegisterItem = { value: FORGED_VALUE, digest: 'f0f0f0f0f0f0f0f0', index, cas: [] }
    return { type: 'sync', m: { type: 'data', index, start: frame.m.start ?? 0, items: [item] } }
  }
}
