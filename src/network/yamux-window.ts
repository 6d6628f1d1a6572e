import { yamux } from '@libp2p/yamux'

type YamuxInit = Parameters<typeof yamux>[0]
type MuxerFactory = ReturnType<ReturnType<typeof yamux>>

/** What `lazyWindowUpdates` reads and replaces on a yamux stream (all checked before use). */
interface WindowedStream {
  state: number
  recvWindow: number
  recvWindowCapacity: number
  sendWindowUpdate(): void
}

/**
 * `StreamState.Established` of @libp2p/yamux 8: the one state whose window update carries no
 * flag (the SYN and ACK of a new stream ride the updates of the states before it).
 */
const ESTABLISHED = 3

/** Streams whose window updates were made lazy, and streams left as they were (tests, bench). */
export const yamuxWindowCounts = { lazy: 0, left: 0 }

/**
 * @libp2p/yamux 8 answers every data frame it receives with a window-update frame, however
 * much window is left: half of all frames on a connection, each one encrypted, sent and
 * decrypted (a commit's messages, and a bare echo's, are small). This makes an established
 * stream send its update only once half of its receive window is used, as the Go and Rust
 * yamux do: the sender never runs out of window, and small messages no longer cost a second
 * frame. Any other state (a stream being opened or accepted, whose update carries SYN or ACK,
 * or a paused one) goes to yamux's own method. Returns false, changing nothing, when the
 * stream does not have the fields this reads.
 */
export function lazyWindowUpdates(stream: unknown): boolean {
  const s = stream as Partial<WindowedStream>
  const send = s.sendWindowUpdate
  if (
    typeof send !== 'function' ||
    typeof s.recvWindow !== 'number' ||
    typeof s.recvWindowCapacity !== 'number' ||
    typeof s.state !== 'number'
  )
    return false
  s.sendWindowUpdate = function (this: WindowedStream) {
    if (this.state === ESTABLISHED && this.recvWindowCapacity * 2 >= this.recvWindow) return
    send.call(this)
  }
  return true
}

/**
 * `yamux()` whose streams send window updates lazily (`lazyWindowUpdates`). Only the streams
 * of the muxers it creates change: yamux itself, and any other libp2p node in the process,
 * are untouched. The stream hook is yamux's `_newStream`, not its API: when it is missing
 * the muxer works as before, and `test/network/yamux-window.test.ts` fails.
 */
export function lazyWindowYamux(init?: YamuxInit): () => MuxerFactory {
  const factory = yamux(init)
  return () => {
    const muxerFactory = factory()
    const create = muxerFactory.createStreamMuxer.bind(muxerFactory)
    muxerFactory.createStreamMuxer = (connection) => {
      const muxer = create(connection)
      const hooked = muxer as unknown as { _newStream?: (...args: unknown[]) => unknown }
      const newStream = hooked._newStream
      if (typeof newStream !== 'function') {
        yamuxWindowCounts.left++
        return muxer
      }
      hooked._newStream = function (this: unknown, ...args: unknown[]) {
        const stream = newStream.apply(this, args)
        if (lazyWindowUpdates(stream)) yamuxWindowCounts.lazy++
        else yamuxWindowCounts.left++
        return stream
      }
      return muxer
    }
    return muxerFactory
  }
}
