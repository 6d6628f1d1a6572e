import { appendCommands } from './leader.js'
import { answer, failReads, readTimeout, registerRead } from './reads.js'
import { noteAwaited } from './roles.js'
import type { RaftState } from './state.js'
import type { LogIndex, Message, NodeId, RequestId } from './types.js'

type Forwarding<C> = Extract<
  Message<C>,
  { type: 'forwardCommand' | 'forwardCommandAck' | 'readIndex' | 'readIndexAck' }
>

/**
 * Propose on the leader, or forward to it (mosaik's `forward.command`); the assigned indices
 * come back in `forwardCommandAck`. Without a known leader the proposal fails at once.
 */
export function propose<C>(state: RaftState<C>, commands: C[]): RequestId {
  const requestId = state.nextRequestId++
  const role = state.role
  if (role.role === 'leader') {
    state.proposals.push({ requestId, indices: appendCommands(state, commands) })
  } else if (role.role === 'follower' && role.leader !== undefined) {
    const sent = {
      type: 'forwardCommand',
      term: state.term,
      from: state.id,
      to: role.leader,
      requestId,
      commands,
    } as const
    state.outstanding.set(requestId, { kind: 'command', ticksLeft: readTimeout(state), sent })
    state.send(sent)
  } else {
    state.proposals.push({ requestId, indices: undefined, reason: 'noLeader' })
  }
  return requestId
}

/** Ask for a linearizable read point: served by the leader (Raft §8), forwarded by followers. */
export function readIndex<C>(state: RaftState<C>): RequestId {
  const requestId = state.nextRequestId++
  const role = state.role
  if (role.role === 'leader') {
    registerRead(state, undefined, requestId)
  } else if (role.role === 'follower' && role.leader !== undefined) {
    const sent = { type: 'readIndex', term: state.term, from: state.id, to: role.leader, requestId } as const
    state.outstanding.set(requestId, { kind: 'read', ticksLeft: readTimeout(state), sent })
    state.send(sent)
  } else {
    state.readStates.push({ requestId, index: undefined, reason: 'noLeader' })
  }
  return requestId
}

/** Forwarding messages work in any role and never change terms (mosaik's `Forward` has no term). */
export function handleForwarding<C>(state: RaftState<C>, message: Forwarding<C>): void {
  const leading = state.role.role === 'leader'
  switch (message.type) {
    case 'forwardCommand': {
      const indices = appendForwarded(state, message, leading)
      const ack = { type: 'forwardCommandAck', term: state.term, from: state.id, to: message.from } as const
      state.send({ ...ack, requestId: message.requestId, indices })
      return
    }
    case 'readIndex':
      if (leading) registerRead(state, message.from, message.requestId)
      else answer(state, message.from, message.requestId, undefined, 'notLeader')
      return
    case 'forwardCommandAck': {
      if (state.outstanding.get(message.requestId)?.kind !== 'command') return
      state.outstanding.delete(message.requestId)
      const { requestId, indices } = message
      state.proposals.push(indices ? { requestId, indices } : { requestId, indices, reason: 'notLeader' })
      return
    }
    case 'readIndexAck': {
      if (state.outstanding.get(message.requestId)?.kind !== 'read') return
      state.outstanding.delete(message.requestId)
      const { requestId, index } = message
      // A refusal from a leader that lost office is as uncertain as a timeout for the caller.
      state.readStates.push(index === undefined ? { requestId, index, reason: 'timeout' } : { requestId, index })
      return
    }
  }
}

/**
 * The network may deliver a forward twice, in any order. Every copy gets the answer the first
 * one got: the same indices, or the same refusal (so a refusal is final: no later copy appends).
 */
function appendForwarded<C>(
  state: RaftState<C>,
  message: Extract<Message<C>, { type: 'forwardCommand' }>,
  leading: boolean,
): LogIndex[] | undefined {
  const key = `${message.from}/${message.requestId}`
  if (state.forwarded.has(key)) return state.forwarded.get(key)
  const indices = leading ? appendCommands(state, message.commands) : undefined
  const last = indices?.at(-1)
  if (last !== undefined && state.role.role === 'leader') noteAwaited(state.role, last)
  state.forwarded.set(key, indices)
  if (state.forwarded.size > FORWARD_MEMORY) {
    const oldest = state.forwarded.keys().next().value
    if (oldest !== undefined) state.forwarded.delete(oldest)
  }
  return indices
}

/** How many forwarded requests a leader remembers for de-duplication. */
const FORWARD_MEMORY = 4096

/** Forwarded requests whose answer never came fail with an unknown outcome. */
export function expireOutstanding<C>(state: RaftState<C>): void {
  for (const [requestId, pending] of state.outstanding) {
    pending.ticksLeft--
    if (pending.ticksLeft > 0) continue
    state.outstanding.delete(requestId)
    if (pending.kind === 'command') state.proposals.push({ requestId, indices: undefined, reason: 'timeout' })
    else state.readStates.push({ requestId, index: undefined, reason: 'timeout' })
  }
}

/**
 * A leader whose bond went down or was replaced spoke again (`from`, in our term): what we sent
 * it in this term and still wait for goes again, since the old bond may have lost the request or
 * its answer. Safe to repeat: a member leads a term at most once, so `from` is the incarnation
 * that got the first copy, and it answers every copy alike (`appendForwarded`). Requests of an
 * earlier term wait for their timeout as before (their leader may have restarted and forgotten).
 */
export function resendOutstanding<C>(state: RaftState<C>, from: NodeId): void {
  if (state.resendTo !== from) return
  state.resendTo = undefined
  for (const { sent } of state.outstanding.values()) if (sent.to === from && sent.term === state.term) state.send(sent)
}

/** Leaving the leader role: pending strong reads fail. */
export function abandonLeadership<C>(state: RaftState<C>): void {
  if (state.role.role === 'leader') failReads(state, state.role)
}
