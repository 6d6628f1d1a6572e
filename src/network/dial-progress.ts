import { TimeoutError } from '../core/errors.js'
import type { PeerId } from '../core/id.js'
import { DEFAULT_RETRY } from './retry.js'

/** A libp2p dial progress event (`onProgress` of `libp2p.dial`). */
export interface DialProgress {
  readonly type: string
  readonly detail?: unknown
}

/** True when `event` shows the dial is a WebRTC one (the only kind seen to hang mid-way). */
function isWebRTCStep(event: DialProgress): boolean {
  if (event.type.startsWith('webrtc:')) return true
  return event.type === 'transport-manager:selected-transport' && String(event.detail).includes('webrtc')
}

/**
 * Stages after which the stall bound does not apply, only the attempt's: ICE connectivity
 * checks (a lost check or DTLS hello is retransmitted after about a second, and no event tells
 * when they end), and everything once a connection is there (opening a stream on it is not a
 * dial).
 */
const ICE = ['webrtc:read-ice-candidates', 'webrtc:add-ice-candidate', 'webrtc:end-of-ice-candidates']
/** Stages once a connection is there: opening a stream on it is not a dial. */
const CONNECTED = [
  'dial-queue:already-connected',
  'connection:opened',
  'connection:open-stream',
  'connection:opened-stream',
]
const UNBOUNDED_AFTER = new Set([...ICE, ...CONNECTED])
const CONNECTED_STAGES = new Set(CONNECTED)
/** Events that say nothing about the progress of the dial in flight to the peer. */
const NOT_PROGRESS = new Set(['connection:open', 'dial-queue:already-in-dial-queue'])
const JOINED = 'dial-queue:already-in-dial-queue'
const NEW_DIAL = 'dial-queue:add-to-dial-queue'
/** A dial silent this long when a connection with its peer dies at birth is abandoned (`abandon`). */
const ABANDON_SILENT_MS = 100

/** A dial attempt watched for progress (see `DialWatchers`). */
export interface DialWatch {
  /** Aborts with a `TimeoutError` when the dial stalls, or when the parent signal aborts. */
  readonly signal: AbortSignal
  /** Pass as the dial's `onProgress`. */
  readonly onProgress: (event: DialProgress) => void
  /** Clears the timer; call when the dial settles. */
  dispose(): void
}

interface Watch {
  stage: string
  /** This watch saw a WebRTC step: only then is the stall bound armed. */
  webrtc: boolean
  /** When this watch last saw progress (its creation before any). */
  last: number
  joined: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  readonly abort: (reason: Error) => void
}

const watchers = new WeakMap<object, DialWatchers>()

/**
 * Abandons WebRTC dials that stop making progress. Each stage libp2p reports (relay circuit,
 * signalling stream, SDP offer, answer, upgrade …) must be followed by the next within the
 * stall bound, except the stages in `UNBOUNDED_AFTER`. A dial that hangs before its first WebRTC
 * step is thus given up after the stall bound instead of the whole attempt bound, and retried.
 * Other dials (TCP, WebSockets, memory) are left to the attempt bound: they were not seen to
 * hang, and a loaded machine should not make them churn.
 *
 * libp2p runs one dial per peer and lets later dials to the same peer join it; the dial ends
 * only when every joiner gave up. So the watches of one node share, per peer, when its dial in
 * flight last made progress: a joiner's bound counts from there, not from when it joined, and
 * all joiners of a hung dial give up together (no joiner keeps it alive by joining late).
 * One instance per libp2p node (`DialWatchers.of`).
 */
export class DialWatchers {
  /** Per peer: when a dial to it last made progress. */
  readonly #last = new Map<PeerId, number>()
  /** Peers whose dial in flight is a WebRTC one. */
  readonly #webrtc = new Set<PeerId>()
  readonly #watches = new Map<PeerId, Set<Watch>>()

  /** The watchers of one libp2p node (created on first use). */
  static of(node: object): DialWatchers {
    let w = watchers.get(node)
    if (!w) {
      w = new DialWatchers()
      watchers.set(node, w)
    }
    return w
  }

  /**
   * Watches one dial attempt to `peer`. `stallMs <= 0` disables the bound (the signal then only
   * follows `parent`); undefined is the default (`RetryOptions.stallTimeoutMs`).
   */
  watch(peer: PeerId, stallMs: number | undefined, what: string, parent?: AbortSignal): DialWatch {
    const bound = stallMs ?? DEFAULT_RETRY.stallTimeoutMs
    const controller = new AbortController()
    const signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal
    const w: Watch = {
      stage: 'start',
      webrtc: false,
      last: performance.now(),
      joined: false,
      timer: undefined,
      abort: (reason) => controller.abort(reason),
    }
    let set = this.#watches.get(peer)
    if (!set) {
      set = new Set()
      this.#watches.set(peer, set)
    }
    set.add(w)
    let disposed = false
    const arm = () => {
      clearTimeout(w.timer)
      w.timer = undefined
      const webrtc = w.webrtc || (w.joined && this.#webrtc.has(peer))
      if (disposed || !webrtc || !(bound > 0) || UNBOUNDED_AFTER.has(w.stage)) return
      const since = w.joined ? Math.min(w.last, this.#last.get(peer) ?? w.last) : w.last
      const at = w.stage
      w.timer = setTimeout(
        () => controller.abort(new TimeoutError(`${what}: no progress after '${at}'`, bound)),
        Math.max(0, since + bound - performance.now()),
      )
    }
    arm()
    return {
      signal,
      onProgress: (event) => {
        if (disposed) return
        w.stage = event.type
        if (event.type === JOINED) w.joined = true
        if (event.type === NEW_DIAL) this.#webrtc.delete(peer)
        if (isWebRTCStep(event)) {
          w.webrtc = true
          this.#webrtc.add(peer)
        }
        if (!NOT_PROGRESS.has(event.type)) {
          w.last = performance.now()
          this.#last.set(peer, w.last)
        }
        arm()
      },
      dispose: () => {
        disposed = true
        clearTimeout(w.timer)
        set.delete(w)
        if (set.size === 0 && this.#watches.get(peer) === set) {
          this.#watches.delete(peer)
          this.#last.delete(peer)
          this.#webrtc.delete(peer)
        }
      },
    }
  }

  /**
   * A WebRTC connection with `peer` died at birth: the side that dialed it hangs, waiting for a
   * data channel that never opens (it happens to a WebRTC setup whose ICE checks pass at once).
   * Our own dials to `peer` that are silent in a bounded stage are abandoned now, so the next
   * attempt starts a fresh one instead of waiting for the stall bound. A dial in its ICE checks
   * is left alone: a healthy one can be silent there for a second, and nothing tells it from a
   * hung one here. `dialedDied` (the peer told us our dial died, `DialHints`): every dial to
   * `peer` without a connection yet is abandoned, ICE checks included.
   */
  abandon(peer: PeerId, reason: Error, dialedDied = false): void {
    const now = performance.now()
    for (const w of [...(this.#watches.get(peer) ?? [])]) {
      const hung = dialedDied
        ? !CONNECTED_STAGES.has(w.stage)
        : !UNBOUNDED_AFTER.has(w.stage) && now - w.last >= ABANDON_SILENT_MS
      if (hung) w.abort(reason)
    }
  }
}
