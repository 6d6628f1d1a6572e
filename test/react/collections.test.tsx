// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's collection
/**
 * The collection hooks over real networks on the memory transport, one provider per peer,
 * in StrictMode: per-key render counts (one key's update re-renders only that key's
 * component), `update(key, fn)` as a compare-exchange loop racing another peer, and one
 * reader/writer pair per collection kind.
 */
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { type ReactNode, Suspense } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  defineMap,
  defineOnce,
  definePriorityQueue,
  defineSet,
  defineVec,
  ReplicatedMap,
} from '../../src/collections/index.js'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'
import {
  cellHandleStats,
  type MapWriterState,
  NetworkProvider,
  type OnceWriterState,
  type PriorityQueueWriterState,
  type SetWriterState,
  useMapReader,
  useMapValue,
  useMapWriter,
  useOnceReader,
  useOnceWriter,
  usePriorityQueueReader,
  usePriorityQueueWriter,
  useSetReader,
  useSetWriter,
  useVecReader,
  useVecValue,
  useVecWriter,
  type VecWriterState,
} from '../../src/react/index.js'
import { allKnowEachOther, until } from '../network/helpers.js'
import { Commits, Counted, Strict } from './helpers/render.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }
const GRACE = 50
const WAIT = { timeout: 10_000 }

let a: Network
let b: Network

beforeAll(async () => {
  const network = `react-collections-${UniqueId.random().short()}`
  a = await Network.create({ network, transport: 'memory' })
  b = await Network.create({ network, transport: 'memory', bootstrap: a.addresses() })
  await until([a, b], 'the two networks to discover each other', () => allKnowEachOther([a, b]))
})
afterEach(() => cleanup())
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
})

const fresh = () => UniqueId.random().toString()

function TwoPeers({ left, right }: { left: ReactNode; right: ReactNode }) {
  return (
    <Strict>
      <NetworkProvider network={a} gracePeriod={GRACE}>
        {left}
      </NetworkProvider>
      <NetworkProvider network={b} gracePeriod={GRACE}>
        {right}
      </NetworkProvider>
    </Strict>
  )
}

interface Slot<S> {
  current?: S
}

describe('map hooks', () => {
  it('one key updated re-renders only the component of that key (100 keys, measured)', async () => {
    const Board = defineMap<string, { title: string; votes: number }>(fresh(), { consensus: FAST })
    const keys = Array.from({ length: 100 }, (_, i) => `card-${i}`)
    const commits = new Commits()
    const writer: Slot<MapWriterState<string, { title: string; votes: number }>> = {}
    function Writer() {
      writer.current = useMapWriter(Board)
      return null
    }
    function CardView({ id }: { id: string }) {
      const card = useMapValue(Board, id)
      return (
        <p data-testid={id}>
          {card?.title}:{card?.votes}
        </p>
      )
    }
    function Size() {
      const { size } = useMapReader(Board)
      return <p data-testid="size">{size}</p>
    }
    const view = render(
      <TwoPeers
        left={<Writer />}
        right={
          <>
            {keys.map((id) => (
              <Counted key={id} id={id} commits={commits}>
                <CardView id={id} />
              </Counted>
            ))}
            <Counted id="size" commits={commits}>
              <Size />
            </Counted>
          </>
        }
      />,
    )
    await waitFor(() => expect(writer.current?.status).toBe('online'), WAIT)
    await act(() => writer.current!.extend(keys.map((id) => [id, { title: id, votes: 0 }] as const)))
    await waitFor(() => expect(view.getByTestId('size').textContent).toBe('100'), WAIT)
    await waitFor(() => expect(view.getByTestId('card-99').textContent).toBe('card-99:0'), WAIT)
    commits.reset()

    // One key, three times: the other 99 cards and the size never render.
    for (let i = 1; i <= 3; i++) {
      await act(() => writer.current!.update('card-42', (c) => c && { ...c, votes: c.votes + 1 }))
      await waitFor(() => expect(view.getByTestId('card-42').textContent).toBe(`card-42:${i}`), WAIT)
    }
    const others = commits.total('card-') - commits.get('card-42')
    console.log(
      `react/collections.test: 3 updates of card-42: card-42 committed ${commits.get('card-42')}×, the other 99 cards ${others}×, size ${commits.get('size')}×`,
    )
    expect(commits.get('card-42')).toBe(3)
    expect(others).toBe(0)
    expect(commits.get('size')).toBe(0)
  })

  it('update(key, fn) is a compare-exchange loop: racing writers on two peers lose no increment', async () => {
    const store = fresh()
    const Counter = defineMap<string, number>(store, { consensus: FAST })
    const other = ReplicatedMap.writer<string, number>(b, store, { consensus: FAST })
    const writer: Slot<MapWriterState<string, number>> = {}
    function Writer() {
      writer.current = useMapWriter(Counter)
      return <p data-testid="n">{writer.current.value.get('n') ?? 0}</p>
    }
    const view = render(<TwoPeers left={<Writer />} right={null} />)
    try {
      await waitFor(() => expect(writer.current?.status).toBe('online'), WAIT)
      await other.when.online()
      const bump = (n: number | undefined) => (n ?? 0) + 1
      await act(() =>
        Promise.all([
          ...Array.from({ length: 10 }, () => writer.current!.update('n', bump, { attempts: 50 })),
          ...Array.from({ length: 10 }, () => other.update('n', bump, { attempts: 50 })),
        ]),
      )
      await waitFor(() => expect(view.getByTestId('n').textContent).toBe('20'), WAIT)
      expect(other.get('n')).toBe(20)
    } finally {
      await other.close()
    }
  })
})

describe('one reader/writer pair per collection', () => {
  it('vec, set, once and priority queue: a write on one peer shows on the other', async () => {
    const Chat = defineVec<string>(fresh(), { consensus: FAST })
    const Members = defineSet<string>(fresh(), { consensus: FAST })
    const Setup = defineOnce<{ name: string }>(fresh(), { consensus: FAST })
    const Asks = definePriorityQueue<number, string, number>(fresh(), { consensus: FAST })
    const w: {
      vec?: VecWriterState<string>
      set?: SetWriterState<string>
      once?: OnceWriterState<{ name: string }>
      pq?: PriorityQueueWriterState<number, string, number>
    } = {}
    const commits = new Commits()
    function Writers() {
      w.vec = useVecWriter(Chat)
      w.set = useSetWriter(Members)
      w.once = useOnceWriter(Setup)
      w.pq = usePriorityQueueWriter(Asks)
      return null
    }
    function FirstMessage() {
      return <p data-testid="first">{useVecValue(Chat, 0) ?? '-'}</p>
    }
    function Readers() {
      const chat = useVecReader(Chat)
      const members = useSetReader(Members)
      const setup = useOnceReader(Setup)
      const asks = usePriorityQueueReader(Asks)
      return (
        <>
          <p data-testid="chat">{chat.value.join('|')}</p>
          <p data-testid="members">{[...members.value].sort().join(',')}</p>
          <p data-testid="setup">{setup.value?.name ?? '-'}</p>
          <p data-testid="best">{asks.value.map(([p, k]) => `${k}@${p}`).join(',')}</p>
        </>
      )
    }
    const view = render(
      <TwoPeers
        left={<Writers />}
        right={
          <>
            <Readers />
            <Counted id="first" commits={commits}>
              <FirstMessage />
            </Counted>
          </>
        }
      />,
    )
    await waitFor(
      () => expect([w.vec?.status, w.set?.status, w.once?.status, w.pq?.status]).toEqual(Array(4).fill('online')),
      WAIT,
    )
    await act(async () => {
      await w.vec!.pushBack('hello')
      await w.vec!.pushBack('world')
      await w.set!.extend(['alice', 'bob'])
      await w.once!.write({ name: 'first' })
      await w.once!.write({ name: 'second' })
      await w.pq!.extend([
        [101, 'b', 5],
        [100, 'a', 2],
      ])
    })
    await waitFor(() => {
      expect(view.getByTestId('chat').textContent).toBe('hello|world')
      expect(view.getByTestId('members').textContent).toBe('alice,bob')
      expect(view.getByTestId('setup').textContent).toBe('first')
      expect(view.getByTestId('best').textContent).toBe('a@100,b@101')
      expect(view.getByTestId('first').textContent).toBe('hello')
    }, WAIT)
    // useVecValue(0): pushing at the back leaves index 0 alone, so no render.
    const before = commits.get('first')
    await act(() => w.vec!.pushBack('again'))
    await waitFor(() => expect(view.getByTestId('chat').textContent).toBe('hello|world|again'), WAIT)
    expect(commits.get('first')).toBe(before)
    view.unmount()
    await until([a, b], 'the hooks to release their handles', () => cellHandleStats(b).handles === 0, 5_000)
  })
})

describe('suspense', () => {
  it('a collection hook with { suspense: true } shows the fallback until online, then the value', async () => {
    const Setup = defineOnce<string>(fresh(), { consensus: FAST })
    const writer = Setup.writer(a)
    try {
      await writer.when.online()
      await writer.write('ready')
      function Shown() {
        const { value, status } = useOnceReader(Setup, { suspense: true })
        return <p data-testid="once">{`${status}:${value}`}</p>
      }
      const view = render(
        <TwoPeers
          left={null}
          right={
            <Suspense fallback={<p data-testid="fallback">loading</p>}>
              <Shown />
            </Suspense>
          }
        />,
      )
      expect(view.queryByTestId('fallback')).not.toBeNull()
      await waitFor(() => expect(view.getByTestId('once').textContent).toBe('online:ready'), WAIT)
    } finally {
      await writer.close()
    }
  })
})
