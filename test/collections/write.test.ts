import { describe, expect, it } from 'vitest'
import { type InFlight, runWrite, writeError } from '../../src/collections/write.js'
import { CellError } from '../../src/core/errors.js'
import { LinkedSet } from '../../src/core/linked-set.js'
import { GroupError } from '../../src/groups/errors.js'
import type { Reachability } from '../../src/groups/reachability.js'
import type { Group } from '../../src/groups/types.js'

// The one write path of every collection (`write.ts`): the group call's timeout is the only
// timer, and every failure is mapped once.

const strictAlone: Reachability = {
  leader: undefined,
  leaderReachable: false,
  selfVoting: true,
  voters: 1,
  knownVoters: 1,
  observers: 0,
  needed: 2,
  strict: true,
  minVoters: 3,
}

/** A group that fails every call with `err` and reports `r` (enough for the mapping). */
function failing(err: unknown, r: Reachability | undefined = strictAlone): Group<unknown> {
  return {
    execute: () => Promise.reject(err),
    ...(r ? { reachability: () => r } : {}),
  } as unknown as Group<unknown>
}

describe('a collection write', () => {
  it('names the write timeout when the group call timed out, with why and how long', () => {
    const err = new GroupError('offline', 'no reachable leader within 800 ms', { timedOut: true })
    const e = writeError(err, failing(err), 7, 800)
    expect([e.kind, e.value, e.reason]).toEqual(['offline', 7, 'no-quorum'])
    expect(e.message).toBe(
      'offline: 1 of 3 voters reachable; strict mode needs 2 (no commit within 800 ms, the write timeout)',
    )
    expect(e.details).toMatchObject({ voters: 1, needed: 2, waitedMs: 800 })
    expect(e.cause).toBe(err)
  })

  it('keeps the group message for an offline refusal that is not a timeout', () => {
    const err = new GroupError('offline', 'the leader did not answer (dropped)')
    const e = writeError(err, failing(err), 'v', 800)
    expect(e.message).toBe(
      'offline: 1 of 3 voters reachable; strict mode needs 2 (the leader did not answer (dropped))',
    )
    expect(e.details?.waitedMs).toBeUndefined()
  })

  it('maps the other kinds once, carrying the value', () => {
    const cases: [GroupError, string][] = [
      [new GroupError('closed', 'the group was left'), 'network-down'],
      [new GroupError('encoding', 'too big'), 'encoding'],
      [new GroupError('unauthorized', 'no ticket'), 'unauthorized'],
    ]
    for (const [err, kind] of cases) {
      const e = writeError(err, failing(err), 1, 800)
      expect([e.kind, e.value]).toEqual([kind, 1])
    }
  })

  it('hands the group its timeout, arms no timer of its own, and fails at once when the handle closes', async () => {
    const seen: unknown[] = []
    let closed = false
    const group = {
      execute: (_c: unknown, options: unknown) => {
        seen.push(options)
        return new Promise(() => {})
      },
    } as unknown as Group<unknown>
    const inFlight = new LinkedSet<InFlight>()
    const write = runWrite(group, { t: 1 }, 'value', { timeoutMs: 1234, inFlight, closed: () => closed })
    expect(seen).toEqual([{ timeout: 1234 }])
    closed = true
    const held = inFlight.takeAll()
    expect(held).toHaveLength(1)
    for (const w of held) w.fail()
    const e = (await write.catch((x: unknown) => x)) as CellError<string>
    expect(e).toBeInstanceOf(CellError)
    expect([e.kind, e.value]).toEqual(['network-down', 'value'])
    expect(inFlight.takeAll()).toEqual([])
  })
})
