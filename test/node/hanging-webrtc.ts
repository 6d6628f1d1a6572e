import type { Transport } from '@libp2p/interface'
import { webRTC } from '@libp2p/webrtc'

/**
 * `webRTC()` (no ICE servers) whose first dial hangs until aborted, like the init channel that
 * never opens (about one WebRTC dial in ten). `dials.count` counts every dial.
 */
export function webRTCFirstDialHangs(dials: { count: number }) {
  const factory = webRTC({ rtcConfiguration: { iceServers: [] } })
  return (components: Parameters<typeof factory>[0]): Transport => {
    const inner = factory(components)
    const dial = inner.dial.bind(inner)
    inner.dial = (ma, options) => {
      if (++dials.count > 1) return dial(ma, options)
      return new Promise((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })
      })
    }
    return inner
  }
}
