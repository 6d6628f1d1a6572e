import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { withTimeout } from '../../src/core/async.js'

export const PEER_SCRIPT = fileURLToPath(new URL('./fixtures/peer.mjs', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/mosaik-react.js', import.meta.url))

/** One JSON line a fixture peer printed. */
export type PeerEvent = { event: string; at: number; [k: string]: unknown }

/**
 * A child process that prints lines: keeps every line, and lets a test await the first
 * line (already printed or still to come) that satisfies a predicate, bounded.
 */
export class Child {
  readonly process: ChildProcessWithoutNullStreams
  readonly lines: string[] = []
  readonly exited: Promise<number | null>
  #waiters = new Set<() => void>()
  #stderr = ''

  constructor(command: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.process = spawn(command, args, { stdio: 'pipe', env: { ...process.env, ...env } })
    let buffered = ''
    this.process.stdout.on('data', (d: Buffer) => {
      buffered += d.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      this.lines.push(...parts)
      for (const w of [...this.#waiters]) w()
    })
    this.process.stderr.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4_000)
    })
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code) => {
        resolve(code)
        for (const w of [...this.#waiters]) w()
      }),
    )
  }

  get stderr(): string {
    return this.#stderr
  }

  /** The first line matching `match`, printed already or later; rejects if the process exits first or after `ms`. */
  line(match: (line: string) => boolean, what: string, ms: number): Promise<string> {
    const found = this.lines.find(match)
    if (found !== undefined) return Promise.resolve(found)
    return withTimeout(
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const hit = this.lines.find(match)
          if (hit !== undefined) {
            this.#waiters.delete(check)
            resolve(hit)
          } else if (this.process.exitCode !== null || this.process.signalCode !== null) {
            this.#waiters.delete(check)
            reject(new Error(`process exited before ${what}; stderr: ${this.#stderr}`))
          }
        }
        this.#waiters.add(check)
      }),
      ms,
      what,
    )
  }

  /** The first JSON event (from `from` on) satisfying `match`. */
  async event(match: (e: PeerEvent) => boolean, what: string, ms: number): Promise<PeerEvent> {
    const line = await this.line(
      (l) => {
        if (!l.startsWith('{')) return false
        try {
          return match(JSON.parse(l) as PeerEvent)
        } catch {
          return false
        }
      },
      what,
      ms,
    )
    return JSON.parse(line) as PeerEvent
  }

  /** Asks a fixture peer to stop (closes its stdin), then kills it if it has not exited in `ms`. */
  async stop(ms = 10_000): Promise<number | null> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.process.exitCode
    this.process.stdin.end()
    try {
      return await withTimeout(this.exited, ms, 'the child to exit')
    } catch {
      this.process.kill('SIGKILL')
      return null
    }
  }
}

/** Starts the fixture peer (`fixtures/peer.mjs`) with `config`, optionally through a command prefix (`ip netns exec …`). */
export function startPeer(config: object, options: { prefix?: string[]; env?: NodeJS.ProcessEnv } = {}): Child {
  const argv = [...(options.prefix ?? []), process.execPath, PEER_SCRIPT, JSON.stringify(config)]
  return new Child(argv[0] as string, argv.slice(1), options.env)
}
