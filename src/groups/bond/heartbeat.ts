import type { TimerHandle, Timers } from '../timers.js'

/** Settings of one bond's liveness check. */
export interface HeartbeatConfig {
  /** Base period, ms (ConsensusConfig.heartbeatInterval). */
  readonly intervalMs: number
  /** Up to this much is subtracted from each period so bonds do not beat in lockstep. */
  readonly jitterMs: number
  /** Silent periods in a row before the bond is declared dead. */
  readonly maxMissed: number
}

/**
 * mosaik's bond `Heartbeat`: every period (`interval - rand*jitter`) it sends a ping and
 * counts the period as missed when nothing at all arrived from the peer since the last
 * one; `maxMissed` misses in a row fire `onDead`.
 */
export class Heartbeat {
  readonly #timers: Timers
  readonly #config: HeartbeatConfig
  readonly #ping: () => void
  readonly #onDead: () => void
  #timer: TimerHandle | undefined
  #heard = true
  #missed = 0

  constructor(timers: Timers, config: HeartbeatConfig, ping: () => void, onDead: () => void) {
    this.#timers = timers
    this.#config = config
    this.#ping = ping
    this.#onDead = onDead
  }

  start(): void {
    this.#schedule()
  }

  /** Anything received from the peer proves it alive. */
  heard(): void {
    this.#heard = true
    this.#missed = 0
  }

  stop(): void {
    this.#timers.cancel(this.#timer)
    this.#timer = undefined
  }

  get missed(): number {
    return this.#missed
  }

  #schedule(): void {
    const { intervalMs, jitterMs } = this.#config
    this.#timer = this.#timers.after(Math.max(1, intervalMs - Math.random() * jitterMs), () => this.#beat())
  }

  #beat(): void {
    if (!this.#heard) this.#missed++
    this.#heard = false
    if (this.#missed >= this.#config.maxMissed) {
      this.#timer = undefined
      this.#onDead()
      return
    }
    this.#ping()
    this.#schedule()
  }
}
