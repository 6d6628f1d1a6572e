import type { TelemetryEvent } from '../core/telemetry.js'
import type { NetworkServices } from '../network/types.js'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A `stream.*` telemetry event before it is stamped with the time and this peer. */
export type StreamEvent = DistributiveOmit<Extract<TelemetryEvent, { type: `stream.${string}` }>, 'at' | 'peer'>

/** Emits `event` on `net`'s telemetry, stamped now and with this peer. */
export function emitStream(net: Pick<NetworkServices, 'emitTelemetry' | 'peerId'>, event: StreamEvent): void {
  net.emitTelemetry({ ...event, at: performance.now(), peer: net.peerId } as TelemetryEvent)
}
