import { type Message, type SubscriptionChangeData, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId as Libp2pPeerId } from '@libp2p/interface'
import type { PeerId } from '../core/id.js'
import type { EntryAdmission } from './admission.js'
import type { DiscoveryHost } from './config.js'
import type { VerifyResult } from './entry.js'

/** What the announce gossip needs from discovery. */
export interface GossipHooks {
  /** A delivered announce, with the verification the topic validator already did. */
  deliver(bytes: Uint8Array, from: PeerId | undefined, verified: VerifyResult | undefined): void
  /** A peer joined the topic: it should hear our entry now, not a period later. */
  joined(): void
}

/**
 * Announces over gossipsub on `mosaik/<network hex>/announce`. Gossipsub's topic validator
 * runs the full verification before the message is delivered or forwarded, so a bad announce
 * goes no further than us; refused entries are counted there.
 */
export class AnnounceGossip {
  readonly topic: string
  readonly #host: DiscoveryHost
  readonly #hooks: GossipHooks
  readonly #admission: EntryAdmission
  /** Results of the topic validator, for the delivery of the same message. */
  readonly #verified = new WeakMap<Uint8Array, VerifyResult>()

  constructor(host: DiscoveryHost, admission: EntryAdmission, hooks: GossipHooks) {
    this.#host = host
    this.#admission = admission
    this.#hooks = hooks
    this.topic = `mosaik/${host.id.toString()}/announce`
  }

  start(): void {
    const { pubsub } = this.#host.libp2p.services
    pubsub.topicValidators.set(this.topic, this.#validate)
    pubsub.subscribe(this.topic)
    pubsub.addEventListener('message', this.#onGossip)
    pubsub.addEventListener('subscription-change', this.#onSubscription)
  }

  /** Stops delivering; the topic stays subscribed until `leave` (a departure is still published). */
  detach(): void {
    const { pubsub } = this.#host.libp2p.services
    pubsub.removeEventListener('message', this.#onGossip)
    pubsub.removeEventListener('subscription-change', this.#onSubscription)
    if (pubsub.topicValidators.get(this.topic) === this.#validate) pubsub.topicValidators.delete(this.topic)
  }

  leave(): void {
    this.#host.libp2p.services.pubsub.unsubscribe(this.topic)
  }

  async publish(bytes: Uint8Array): Promise<void> {
    try {
      await this.#host.libp2p.services.pubsub.publish(this.topic, bytes)
    } catch {
      // No subscribers yet or already stopping: the periodic announce and the catalog
      // exchange on connect make up for a lost announce.
    }
  }

  readonly #validate = async (peer: Libp2pPeerId, msg: Message): Promise<TopicValidatorResult> => {
    const result = await this.#admission.verify(msg.data)
    if (result.ok) {
      // Announces of peers without the required ticket are neither delivered nor forwarded;
      // Ignore, not Reject: the forwarding peer may be honest, so it is not penalised.
      const refused = await this.#admission.ticketRefusal(result)
      if (refused !== undefined) {
        this.#admission.reject('unauthorized', refused, peer.toString(), this.topic)
        return TopicValidatorResult.Ignore
      }
      this.#verified.set(msg.data, result)
      return TopicValidatorResult.Accept
    }
    this.#admission.reject(result.reason, result.detail, peer.toString(), this.topic)
    // Stale copies are an honest relay's delay, not an attack: dropped without a penalty.
    return result.reason === 'stale' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject
  }

  readonly #onGossip = (e: CustomEvent<Message>): void => {
    const msg = e.detail
    if (msg.topic !== this.topic) return
    const from = msg.type === 'signed' ? msg.from.toString() : undefined
    const verified = this.#verified.get(msg.data)
    this.#verified.delete(msg.data)
    this.#hooks.deliver(msg.data, from, verified)
  }

  readonly #onSubscription = (e: CustomEvent<SubscriptionChangeData>): void => {
    if (e.detail.subscriptions.some((s) => s.subscribe && s.topic === this.topic)) this.#hooks.joined()
  }
}
