import type { Libp2p, PeerId as Libp2pPeerId, PrivateKey } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { ClosedError, type RejectReason } from '../core/errors.js'
import { type NetworkId, type PeerId, UniqueId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import { Emitter } from '../core/watch.js'
import type { DiscoveryService } from '../discovery/config.js'
import { createDiscovery } from '../discovery/discovery.js'
import { Groups } from '../groups/groups.js'
import { loadDurableStorage } from '../groups/open-storage.js'
import { Streams } from '../streams/streams.js'
import { BootstrapKeeper } from './bootstrap.js'
import { ChannelHub } from './channel-hub.js'
import { DialHints } from './dial-hints.js'
import { libp2pOptions, loadKey, type MosaikServices } from './libp2p.js'
import type { NetworkOptions } from './options.js'
import { type JournalStore, PersistError, type PersistReport } from './persist/journal.js'
import type { OpenedPersistence } from './persist/open.js'
import { DEFAULT_RETRY, type RetryOptions, retry } from './retry.js'
import { type NetworkStatus, NetworkStatusStore } from './status.js'
import { defaultPreset } from './transports.js'
import type { Channel, ChannelOptions, NetworkService, NetworkServices } from './types.js'

export { MAX_PRE_AUTH_CHANNELS_PER_PEER } from './channel-hub.js'
export type { MosaikServices } from './libp2p.js'
export type { NetworkOptions } from './options.js'

/**
 * Wire versions of the protocols whose frames changed; every other protocol is at 1. Peers on
 * two versions of a protocol do not speak it with each other at all (the stream is refused at
 * negotiation), rather than refusing each other's frames as malformed. `groups` 2: raft messages
 * without `from`/`to`, packed AppendEntries entries and quiet commit notices; 3: application
 * commands packed into one byte string in AppendEntries and forwards (`packed-commands.ts`).
 */
export const PROTOCOL_VERSIONS: Readonly<Record<string, number>> = { groups: 3 }

/**
 * One peer of one mosaik network: owns the libp2p node, the discovery service and every
 * service registered with `service()`. `stop()` ends all of them and leaves no timers,
 * streams or listeners behind.
 *
 * ```ts
 * const net = await Network.create({ network: 'my-app', transport: 'memory' })
 * net.discovery.onEvent((e) => console.log(e.type, e.entry.peerId))
 * await net.dial(otherNet.addresses())
 * await net.stop()
 * ```
 */
export class Network implements NetworkServices {
  readonly id: NetworkId
  readonly peerId: PeerId
  readonly libp2p: Libp2p<MosaikServices>
  readonly discovery: DiscoveryService
  /** Connectivity a user can see: `status`, `peers`, `relays`, `reason` (see `NetworkStatus`). */
  readonly status: NetworkStatusStore
  readonly #bootstrap: BootstrapKeeper
  readonly #telemetry = new Emitter<TelemetryEvent>()
  readonly #rejected = new Map<RejectReason, number>()
  readonly #services = new Map<string, NetworkService>()
  readonly #hub: ChannelHub
  readonly #hints: DialHints
  readonly #abort = new AbortController()
  readonly #retry: Required<RetryOptions>
  #stopping: Promise<void> | undefined
  readonly #persist: OpenedPersistence | undefined

  private constructor(
    id: NetworkId,
    libp2p: Libp2p<MosaikServices>,
    key: PrivateKey,
    options: NetworkOptions,
    persist: OpenedPersistence | undefined,
  ) {
    this.id = id
    this.#persist = persist
    this.libp2p = libp2p
    this.peerId = libp2p.peerId.toString()
    this.#retry = { ...DEFAULT_RETRY, ...options.dial }
    this.#hub = new ChannelHub(this, this.#retry)
    this.#hints = new DialHints(libp2p, this.protocol('dial-hint'), this)
    // A browser dials no private address a peer names, unless told to (README "Threat model").
    const browser = (options.transport ?? defaultPreset()) === 'browser'
    this.discovery = createDiscovery(this, key, {
      ...(browser ? { dialPrivate: false } : {}),
      ...options.discovery,
      tags: options.tags ?? [],
    })
    this.#bootstrap = new BootstrapKeeper(libp2p, options.bootstrap ?? [], options.bootstrapRedial)
    this.status = new NetworkStatusStore(libp2p, this.#bootstrap)
    this.status.subscribe(() => this.#emitStatus(this.status.getSnapshot()))
  }

  /** Creates and starts a network peer. Bootstrap addresses are dialed in the background. */
  static async create(options: NetworkOptions): Promise<Network> {
    const id = UniqueId.from(options.network)
    const p = options.persist
    if (p !== undefined && typeof p !== 'boolean' && (typeof p !== 'string' || p.length === 0))
      throw new PersistError('unsupported', '`persist` must be true, false or a non-empty directory / database name')
    const reports: PersistReport[] = []
    let net: Network | undefined
    const report = (r: PersistReport) => (net ? net.#persistReport(r) : reports.push(r))
    // Loaded on use: an app without `persist` never ships the file or IndexedDB stores, nor
    // the groups' durable storage on them.
    const persist = options.persist
      ? await (await Promise.all([import('./persist/open.js'), loadDurableStorage()]))[0].openPersistence(
          {
            network: id.toString(),
            name: typeof options.network === 'string' ? options.network : id.toString(),
            persist: options.persist,
            secretKey: options.secretKey,
          },
          report,
        )
      : undefined
    const privateKey = persist?.key ?? (await loadKey(options.secretKey))
    let libp2p: Libp2p<MosaikServices> | undefined
    try {
      libp2p = await createLibp2p(await libp2pOptions(privateKey, options))
      net = new Network(id, libp2p, privateKey, options, persist)
      await net.#start()
      for (const r of reports.splice(0)) net.#persistReport(r)
      if (persist?.refused)
        net.#persistReport({
          type: 'persist.refused',
          namespace: 'network',
          kind: persist.refused.kind,
          detail: `${persist.refused.message}; running in memory with a fresh identity`,
        })
      return net
    } catch (err) {
      await libp2p?.stop()
      await persist?.root?.close()
      throw err
    }
  }

  /** Durable journals of this network's groups, when `persist` is set and the store is this network's. */
  get journals(): JournalStore | undefined {
    return this.#persist?.root?.journals
  }

  /** Where this network persists (a directory or an IndexedDB name), undefined when in memory. */
  get persistedAt(): string | undefined {
    return this.#persist?.root?.where
  }

  #persistReport(r: PersistReport): void {
    this.emitTelemetry({ ...r, at: performance.now(), peer: this.peerId })
    // A torn tail is routine after a crash; anything else lost or refused deserves a warning.
    if (r.type !== 'persist.recovered' || !r.detail.includes('torn tail'))
      console.warn(`mosaik-react: stored data of ${r.namespace}: ${r.detail}`)
  }

  get stopped(): boolean {
    return this.#stopping !== undefined
  }

  /** Aborts when `stop()` is called; long-running work of this network listens to it. */
  get signal(): AbortSignal {
    return this.#abort.signal
  }

  /** Dialable multiaddrs of this node (with its `/p2p/<peer id>` suffix). */
  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map(String)
  }

  protocol(name: string): string {
    return `/mosaik/${this.id.short()}/${name}/${PROTOCOL_VERSIONS[name] ?? 1}`
  }

  /**
   * Dials one peer (all `addr`s must name the same peer), retrying with backoff per the
   * `dial` options. Resolves once connected; rejects with the last error.
   */
  async dial(addr: string | string[]): Promise<void> {
    this.#assertRunning()
    const addrs = (Array.isArray(addr) ? addr : [addr]).map((a) => multiaddr(a))
    await retry(`dial ${addrs.join(', ')}`, (signal) => this.libp2p.dial(addrs, { signal }), {
      ...this.#retry,
      signal: this.#abort.signal,
    })
  }

  handle(name: string, handler: (channel: Channel) => void, options: ChannelOptions = {}): void {
    this.#assertRunning()
    this.#hub.handle(name, handler, options)
  }

  unhandle(name: string): void {
    this.#hub.unhandle(name)
  }

  async openChannel(peer: PeerId, name: string, options: ChannelOptions = {}): Promise<Channel> {
    this.#assertRunning()
    return this.#hub.openChannel(peer, name, options)
  }

  connectedPeers(): PeerId[] {
    return this.libp2p.getPeers().map(String)
  }

  onTelemetry(listener: (event: TelemetryEvent) => void): () => void {
    return this.#telemetry.on(listener)
  }

  /**
   * Replays to `listener` alone (not to other telemetry listeners) the current state of what
   * happened before it attached: `network.started`, then what each service contributes (the
   * groups: `group.joined`, the current `group.state` and the bonds that are up). The devtools
   * store calls it on attach. Nothing after `stop()`.
   */
  replayTelemetry(listener: (event: TelemetryEvent) => void): void {
    if (this.stopped) return
    listener({
      type: 'network.started',
      at: performance.now(),
      network: this.id.toString(),
      peer: this.peerId,
      addresses: this.addresses(),
    })
    const status = this.status.getSnapshot()
    listener({
      type: 'network.status',
      at: performance.now(),
      peer: this.peerId,
      status: status.status,
      peers: status.peers,
      relays: status.relays,
      ...(status.reason !== undefined && { reason: status.reason }),
    })
    for (const s of this.#services.values()) {
      try {
        s.replayTelemetry?.(listener)
      } catch (err) {
        console.error('mosaik-react: a network service failed to replay its telemetry', err)
      }
    }
  }

  get telemetryWatched(): boolean {
    return this.#telemetry.size > 0
  }

  emitTelemetry(event: TelemetryEvent): void {
    if (event.type === 'input.rejected') this.#rejected.set(event.reason, (this.#rejected.get(event.reason) ?? 0) + 1)
    this.#telemetry.emit(event)
  }

  /** Inputs refused from peers so far, by reason (every `input.rejected` event counts). */
  rejected(): Readonly<Partial<Record<RejectReason, number>>> {
    return Object.fromEntries(this.#rejected)
  }

  /** Channels currently open on this network (tests use it to prove nothing leaks). */
  get openChannels(): number {
    return this.#hub.size
  }

  /** Ephemeral pub/sub without consensus (`streams.produce` / `streams.consume`); created on first use, stopped with the network. */
  get streams(): Streams {
    return this.service('streams', () => new Streams(this))
  }

  /** The groups of this network (created on first use, stopped with the network). */
  get groups(): Groups {
    return this.service('groups', () => new Groups(this))
  }

  service<T extends NetworkService>(key: string, create: () => T): T {
    const existing = this.#services.get(key)
    if (existing) return existing as T
    this.#assertRunning()
    const created = create()
    this.#services.set(key, created)
    return created
  }

  /**
   * Stops every service (newest first), announces departure, closes all channels, then
   * stops libp2p. Idempotent: every call returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #start(): Promise<void> {
    this.libp2p.addEventListener('peer:connect', this.#onConnect)
    this.libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    await this.discovery.start()
    this.emitTelemetry({
      type: 'network.started',
      at: performance.now(),
      network: this.id.toString(),
      peer: this.peerId,
      addresses: this.addresses(),
    })
    this.#hints.start()
    this.#bootstrap.start()
    // A group member does not count itself alone while a first bootstrap dial may still bring peers.
    this.discovery.trackDial(this.#bootstrap.firstAttempts())
  }

  #emitStatus(s: NetworkStatus): void {
    this.emitTelemetry({
      type: 'network.status',
      at: performance.now(),
      peer: this.peerId,
      status: s.status,
      peers: s.peers,
      relays: s.relays,
      ...(s.reason !== undefined && { reason: s.reason }),
    })
  }

  async #stop(): Promise<void> {
    for (const [, s] of [...this.#services].reverse()) {
      try {
        await s.stop()
      } catch (err) {
        console.error('mosaik-react: a network service failed to stop', err)
      }
    }
    this.#services.clear()
    this.#bootstrap.stop()
    this.#hints.stop()
    this.status.stop()
    await this.discovery.stop()
    this.#abort.abort(new ClosedError('network'))
    await this.#hub.close()
    this.libp2p.removeEventListener('peer:connect', this.#onConnect)
    this.libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    await this.libp2p.stop()
    await this.#persist?.root?.close()
    this.emitTelemetry({
      type: 'network.stopped',
      at: performance.now(),
      network: this.id.toString(),
      peer: this.peerId,
    })
    this.#telemetry.clear()
  }

  // Services may still talk while they stop (departure notices): only a finished stop refuses.
  #assertRunning(): void {
    if (this.#abort.signal.aborted) throw new ClosedError('network')
  }

  readonly #onConnect = (e: CustomEvent<Libp2pPeerId>): void => {
    this.emitTelemetry({
      type: 'peer.connected',
      at: performance.now(),
      peer: this.peerId,
      remote: e.detail.toString(),
    })
  }

  readonly #onDisconnect = (e: CustomEvent<Libp2pPeerId>): void => {
    this.emitTelemetry({
      type: 'peer.disconnected',
      at: performance.now(),
      peer: this.peerId,
      remote: e.detail.toString(),
    })
  }
}
