/**
 * # Streams
 *
 * Ephemeral, typed pub/sub between peers, without consensus (mosaik's `streams`): cursors,
 * presence, prices, telemetry. Nothing is stored or agreed on; a consumer receives what
 * producers send while it is subscribed.
 *
 * | part          | file             | mosaik                          |
 * | ------------- | ---------------- | ------------------------------- |
 * | service       | streams.ts, engine.ts | `Streams`, `Acceptor`      |
 * | producer      | producer.ts, sink.ts, subscription.ts | `Producer`, fanout worker, `Sender` |
 * | consumer      | consumer.ts, consumer-engine.ts, receiver.ts | `Consumer`, worker, `Receiver` |
 * | options       | config.ts        | builder defaults                |
 * | status        | status.ts, conditions.ts | `When`, `ChannelConditions`, `ChannelInfo`, `Stats` |
 * | wire          | messages.ts      | handshake, close reasons        |
 * | declarations  | define.ts        | `stream!`, `StreamDef`          |
 *
 * A producer adds its stream id to the local discovery entry; consumers find producers
 * there (filtered by `require` predicates and `requireTicket` validators, re-checked when an
 * entry changes), subscribe over `/mosaik/<net>/streams/1` and get CBOR datums of at most
 * `maxDatumBytes`, schema-checked before delivery (refused ones are counted, never
 * delivered). Only the handles, their status and the options load with the app: the engine
 * (serving, fanout, consumers) loads on the first `produce` or `consume`, and the handles are
 * offline until it has. Flow control is by credit: a producer writes at most `window` unacknowledged
 * datums per consumer and queues at most `bufferSize` more (and `maxQueuedBytes`); a consumer that falls further
 * behind is disconnected or sampled (`onLagging`), so nothing grows without bound.
 *
 * @example
 * ```ts
 * const producer = alice.streams.produce<{ x: number; y: number }>('cursors', { onLagging: 'drop-oldest' })
 * const consumer = bob.streams.consume<{ x: number; y: number }>('cursors')
 * await producer.when.online()
 * producer.trySend({ x: 10, y: 20 })
 * for await (const { value, from } of consumer.received()) console.log(from, value)
 * ```
 */
export { ChannelConditions } from './conditions.js'
export { Consumer, type Received } from './consumer.js'
export { defineStream, type StreamDef } from './define.js'
export { StreamError, type StreamErrorKind } from './errors.js'
export { EventRoom, eventStreamId } from './events.js'
export type { StreamCloseReason } from './messages.js'
export {
  type PeerPresence,
  type PresenceOptions,
  PresenceRoom,
  type PresenceSnapshot,
  presenceStreamId,
} from './presence.js'
export { Producer } from './producer.js'
export { DEFAULT_ROOM_GRACE_MS, RoomEntry, SharedRooms, sharedRooms } from './rooms.js'
export { StreamWhen } from './status.js'
export { STREAMS_PROTOCOL, Streams } from './streams.js'
export type * from './types.js'
