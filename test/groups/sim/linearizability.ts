import { INITIAL, type RegisterOp } from './register.js'

/**
 * One client operation on the register. `output` is what the client observed: the value read, or
 * whether a CAS matched. `ret: undefined` marks an `info` operation: the client never learned
 * the outcome, so it may have taken effect at any point after `call`, or never.
 */
export interface Operation {
  readonly client: number
  readonly input: RegisterOp
  readonly output: string | boolean | undefined
  readonly call: number
  readonly ret: number | undefined
}

export interface CheckResult {
  readonly linearizable: boolean
  /** The search gave up after `budget` steps: neither proven nor refuted. */
  readonly exhausted: boolean
  readonly steps: number
}

interface Event {
  readonly op: number
  readonly kind: 'call' | 'return'
  readonly time: number
  match: Event | undefined
  prev: Event | undefined
  next: Event | undefined
}

/**
 * Is there a total order of the operations that respects real time (an operation that returned
 * before another was called comes first) and the register's sequential semantics? Wing & Gong's
 * search with Lowe's memoization, as in Porcupine: linearize a pending call, lift it out of the
 * event list, backtrack when a return is reached with its call still pending; cache
 * (linearized set, state) pairs already explored. `info` operations return at +infinity.
 */
export function checkLinearizable(history: readonly Operation[], budget = 2_000_000): CheckResult {
  const ops = history.filter((op) => !(op.input.kind === 'read' && op.ret === undefined))
  const events: Event[] = []
  for (const [i, op] of ops.entries()) {
    const call: Event = { op: i, kind: 'call', time: op.call, match: undefined, prev: undefined, next: undefined }
    const ret: Event = {
      op: i,
      kind: 'return',
      time: op.ret ?? Number.POSITIVE_INFINITY,
      match: call,
      prev: undefined,
      next: undefined,
    }
    call.match = ret
    events.push(call, ret)
  }
  // Calls sort before returns at equal times, so touching operations count as concurrent.
  events.sort((a, b) => a.time - b.time || (a.kind === b.kind ? a.op - b.op : a.kind === 'call' ? -1 : 1))
  const head: Event = {
    op: -1,
    kind: 'call',
    time: Number.NEGATIVE_INFINITY,
    match: undefined,
    prev: undefined,
    next: undefined,
  }
  let tail = head
  for (const event of events) {
    event.prev = tail
    tail.next = event
    tail = event
  }

  const cache = new Set<string>()
  const stack: { event: Event; state: string }[] = []
  let linearized = 0n
  let state = INITIAL
  let entry = head.next
  let steps = 0
  while (head.next !== undefined) {
    if (++steps > budget) return { linearizable: true, exhausted: true, steps }
    if (entry === undefined) throw new Error('linearizability: ran off the event list')
    if (entry.kind === 'call') {
      const op = ops[entry.op]
      const next = op && stepModel(state, op)
      if (next !== undefined) {
        const bits = linearized | (1n << BigInt(entry.op))
        const key = `${bits.toString(36)}|${next}`
        if (!cache.has(key)) {
          cache.add(key)
          stack.push({ event: entry, state })
          state = next
          linearized = bits
          lift(entry)
          entry = head.next
          continue
        }
      }
      entry = entry.next
    } else {
      const top = stack.pop()
      if (!top) return { linearizable: false, exhausted: false, steps }
      entry = top.event
      state = top.state
      linearized &= ~(1n << BigInt(entry.op))
      unlift(entry)
      entry = entry.next
    }
  }
  return { linearizable: true, exhausted: false, steps }
}

/** The register's sequential specification: the next state, or `undefined` if `op` cannot happen here. */
function stepModel(state: string, op: Operation): string | undefined {
  const input = op.input
  switch (input.kind) {
    case 'write':
      return input.value
    case 'read':
      return op.output === state ? state : undefined
    case 'cas': {
      const matches = state === input.expected
      if (op.output !== undefined && op.output !== matches) return undefined
      return matches ? input.next : state
    }
  }
}

function lift(call: Event): void {
  const ret = call.match
  unlink(call)
  if (ret) unlink(ret)
}

function unlift(call: Event): void {
  const ret = call.match
  if (ret) relink(ret)
  relink(call)
}

function unlink(event: Event): void {
  if (event.prev) event.prev.next = event.next
  if (event.next) event.next.prev = event.prev
}

function relink(event: Event): void {
  if (event.prev) event.prev.next = event
  if (event.next) event.next.prev = event
}
