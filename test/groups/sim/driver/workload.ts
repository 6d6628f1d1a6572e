import type { Group } from '../../../../src/groups/types.js'
import type { Operation } from '../linearizability.js'
import type { Random } from '../rng.js'
import type { DriverChecks } from './checks.js'
import type { RegisterQuery, SimRegister } from './sim-register.js'

/** A live member clients may call. */
export interface Target {
  readonly name: string
  readonly member: Group<string, RegisterQuery, string | boolean | undefined>
  readonly sm: SimRegister
}

/** Bound of every client call, virtual ms. */
const CALL_TIMEOUT_MS = 4_000

/**
 * Clients calling the real driver through the public `Group` API: `execute` (writes and
 * compare-and-swap), `feed`, and weak and strong `query`, on members the seed picks. Each call
 * is recorded as an `Operation` (virtual times) for the linearizability checker; a call whose
 * outcome is unknown (timed out, member crashed or left) stays open (`ret` undefined).
 */
export class Workload {
  readonly history: Operation[] = []
  readonly #rng: Random
  readonly #checks: DriverChecks
  readonly #now: () => number
  #op = 0
  calls = 0
  failed = 0

  constructor(rng: Random, checks: DriverChecks, now: () => number) {
    this.#rng = rng
    this.#checks = checks
    this.#now = now
  }

  /** One call on `target`, chosen by the seed. */
  call(target: Target): void {
    const op = ++this.#op
    this.calls++
    const client = op
    const call = this.#now()
    const roll = this.#rng.next()
    const options = { timeout: CALL_TIMEOUT_MS }
    const { member, sm, name } = target
    if (roll < 0.4) {
      const value = `v${op}`
      this.#checks.written.add(value)
      const rec = this.#record({ client, input: { kind: 'write', value }, output: undefined, call, ret: undefined })
      member.execute(`w|${op}|${value}`, options).then(
        (index) => {
          this.#checks.ack(name, index, call)
          rec.ret = this.#now()
        },
        () => this.failed++,
      )
    } else if (roll < 0.55) {
      const expected = this.#rng.chance(0.5) ? sm.value : this.#rng.pick([...this.#checks.written])
      const next = `v${op}`
      this.#checks.written.add(next)
      const rec = this.#record({
        client,
        input: { kind: 'cas', expected, next },
        output: undefined,
        call,
        ret: undefined,
      })
      member.execute(`c|${op}|${expected}|${next}`, options).then(
        (index) => {
          this.#checks.ack(name, index, call)
          const outcome = sm.query({ kind: 'cas', op })
          if (typeof outcome === 'boolean') rec.output = outcome
          rec.ret = this.#now()
        },
        () => this.failed++,
      )
    } else if (roll < 0.6) {
      const value = `v${op}`
      this.#checks.written.add(value)
      // `feed` resolves once an index is assigned, not committed: its effect is never known.
      this.#record({ client, input: { kind: 'write', value }, output: undefined, call, ret: undefined })
      member.feed(`w|${op}|${value}`, options).catch(() => this.failed++)
    } else if (roll < 0.85) {
      const rec = this.#record({ client, input: { kind: 'read' }, output: undefined, call, ret: undefined })
      member.query({ kind: 'value' }, 'strong', options).then(
        (r) => {
          this.#checks.weakRead(name, r.result)
          rec.output = r.result as string
          rec.ret = this.#now()
        },
        () => this.failed++,
      )
    } else {
      member.query({ kind: 'value' }, 'weak').then(
        (r) => this.#checks.weakRead(name, r.result),
        () => this.failed++,
      )
    }
  }

  #record(op: Operation): { -readonly [K in keyof Operation]: Operation[K] } {
    const rec = { ...op }
    this.history.push(rec)
    return rec
  }
}
