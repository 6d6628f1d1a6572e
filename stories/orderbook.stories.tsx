import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { definePriorityQueue, defineVec } from '../src/collections/index.js'
import {
  useNetwork,
  usePriorityQueueReader,
  usePriorityQueueWriter,
  useVecReader,
  useVecWriter,
} from '../src/react/index.js'
import type { DemoNode } from './support/cluster.js'
import { CollectionDemo, DEMO_CONSENSUS, StatusLine } from './support/collection-demo.js'
import { Button, Row } from './support/ui.js'

// mosaik's orderbook tutorial (book/src/tutorials/orderbook.md), on the collections: bids and
// asks are priority queues keyed by order id, fills a vector. Price-time priority comes from
// the priority itself: asks by [price, seq] (lowest first), bids by [price, -seq] (highest
// price first, then the earliest). Prices are in cents.

interface Order {
  trader: string
  qty: number
}
type Priority = [number, number]
const STORE = 'story.orderbook'
const options = {
  keyTypeName: 'OrderId',
  typeName: 'Order',
  priorityTypeName: '[Price, Seq]',
  consensus: DEMO_CONSENSUS,
}
const Bids = definePriorityQueue<Priority, string, Order>(`${STORE}.bids`, options)
const Asks = definePriorityQueue<Priority, string, Order>(`${STORE}.asks`, options)
const Fills = defineVec<{ bid: string; ask: string; price: number; qty: number }>(`${STORE}.fills`, {
  typeName: 'Fill',
  consensus: DEMO_CONSENSUS,
})

const price = (cents: number) => (cents / 100).toFixed(2)

function Book(): ReactNode {
  const bids = usePriorityQueueReader(Bids)
  const asks = usePriorityQueueReader(Asks)
  const fills = useVecReader(Fills)
  return (
    <>
      <StatusLine
        status={bids.status}
        version={bids.version + asks.version}
        size={bids.size + asks.size}
        unit="orders"
      />
      <Row>
        <table data-testid="bids">
          <tbody>
            {[...bids.value]
              .reverse()
              .slice(0, 5)
              .map(([[p], id, o]) => (
                <tr key={id} style={{ color: '#16a34a' }}>
                  <td>{price(p)}</td>
                  <td>{o.qty}</td>
                </tr>
              ))}
          </tbody>
        </table>
        <table data-testid="asks">
          <tbody>
            {asks.value.slice(0, 5).map(([[p], id, o]) => (
              <tr key={id} style={{ color: '#dc2626' }}>
                <td>{price(p)}</td>
                <td>{o.qty}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Row>
      <div style={{ fontSize: 11 }} data-testid="fills">
        {fills.value.length} fills{fills.value.length > 0 ? `, last at ${price(fills.value.at(-1)!.price)}` : ''}
      </div>
    </>
  )
}

let seq = 0

function Trader(): ReactNode {
  const me = useNetwork().peerId
  const bids = usePriorityQueueWriter(Bids)
  const asks = usePriorityQueueWriter(Asks)
  const fills = useVecWriter(Fills)
  const place = (side: 'bid' | 'ask') => {
    const cents = 300_000 + Math.round((Math.random() - 0.5) * 2_000)
    const id = `${me.slice(-4)}-${++seq}`
    const order = { trader: me, qty: 1 + Math.floor(Math.random() * 5) }
    const write =
      side === 'bid' ? bids.insert([cents, -Date.now()], id, order) : asks.insert([cents, Date.now()], id, order)
    write.catch(console.error)
  }
  // Crosses the best bid and ask while they overlap. Each side is claimed with a
  // compare-exchange on its value, so two matchers never fill one order twice.
  const match = async () => {
    const bid = bids.value.at(-1)
    const ask = asks.value[0]
    if (!bid || !ask || bid[0][0] < ask[0][0]) return
    const qty = Math.min(bid[2].qty, ask[2].qty)
    const rest = (o: Order) => (o.qty > qty ? { ...o, qty: o.qty - qty } : undefined)
    await bids.compareExchangeValue(bid[1], bid[2], rest(bid[2]))
    await asks.compareExchangeValue(ask[1], ask[2], rest(ask[2]))
    await fills.pushBack({ bid: bid[1], ask: ask[1], price: ask[0][0], qty })
  }
  return (
    <Row>
      <Button onClick={() => place('bid')} disabled={!bids.online} testId="bid">
        bid
      </Button>
      <Button onClick={() => place('ask')} disabled={!asks.online} testId="ask">
        ask
      </Button>
      <Button onClick={() => match().catch(console.error)} disabled={!fills.online} testId="match">
        match
      </Button>
    </Row>
  )
}

/**
 * An orderbook on two replicated priority queues (bids, asks) and a vector of fills,
 * after mosaik's orderbook tutorial: traders place limit orders, any writer can match the
 * best bid against the best ask, and every node shows the same book.
 */
const meta = {
  title: 'Collections/Orderbook (PriorityQueue)',
  component: CollectionDemo,
  args: {
    name: 'story-orderbook',
    storeId: `${STORE}.bids`,
    writers: 2,
    readers: 1,
    node: (n: DemoNode) => (
      <>
        <Book />
        {n.role === 'writer' && <Trader />}
      </>
    ),
  },
} satisfies Meta<typeof CollectionDemo>

export default meta
export const OrderbookStory: StoryObj<typeof meta> = { name: 'Orderbook' }
