import type { IdLike } from '../core/id.js'
import type { DiscoveryConfig } from '../discovery/config.js'
import type { BootstrapOptions } from './bootstrap.js'
import type { RetryOptions } from './retry.js'
import type { TransportOption } from './transports.js'

/** Options of `Network.create`. */
export interface NetworkOptions {
  /** Network name or id; peers of different networks never exchange entries or traffic. */
  network: IdLike
  /** Default: `'browser'` in browsers, `'node'` in Node. Caller options are merged over ours. */
  transport?: TransportOption
  /**
   * Multiaddrs dialed at start, in the background, and redialed with backoff whenever the
   * dial fails or the connection drops, for as long as the network runs.
   */
  bootstrap?: string[]
  /** How bootstrap addresses are redialed (backoff 500 ms doubling up to 30 s). */
  bootstrapRedial?: BootstrapOptions
  /** Ed25519 private key: 32-byte seed, 64-byte raw key, or libp2p protobuf. Random when absent. */
  secretKey?: Uint8Array
  tags?: IdLike[]
  /** Listen multiaddrs; replace the preset's defaults. */
  listen?: string[]
  /**
   * WebRTC STUN/TURN servers of the `browser` and `node` presets. Default: public STUN servers
   * (`DEFAULT_ICE_SERVERS`, as `@libp2p/webrtc`), so peers on different networks can connect;
   * `[]` = loopback and LAN only, nothing contacted. Add a TURN server
   * (`{ urls: 'turn:turn.example.com:3478', username, credential }`) for peers behind
   * symmetric NATs. Ignored when `transport` is a caller's own libp2p options.
   */
  iceServers?: RTCIceServer[]
  /** How dials and channel opens are retried. */
  dial?: RetryOptions
  /** Announce period, staleness, limits of discovery. */
  discovery?: Partial<DiscoveryConfig>
  /**
   * Durable replicas and identity (docs/ARCHITECTURE.md "Persistence"): `true` = IndexedDB
   * `mosaik-react/<network>` in browsers, `./.mosaik/<network>` in Node; a string = that
   * database name or directory. Without `secretKey` the identity is stored there too. A store
   * another process or tab holds is not shared: this network then runs in memory with a fresh
   * identity and says so (`persist.refused` telemetry, a console warning), or, with a
   * `secretKey`, `create` throws `PersistError('locked')`. A store of another network or peer,
   * or a damaged one, makes `create` throw a `PersistError`.
   */
  persist?: boolean | string
}
