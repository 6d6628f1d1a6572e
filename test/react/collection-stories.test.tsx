// @vitest-environment happy-dom
/**
 * The collection stories (stories/*.stories.tsx) rendered as Storybook renders them, over
 * their in-page clusters of real networks: each one's writer acts and every node, the
 * reader included, shows the result.
 */
import { act, cleanup, fireEvent, within as inside, render, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import BoardMeta from '../../stories/board.stories.js'
import ChatMeta from '../../stories/chat.stories.js'
import MembershipMeta from '../../stories/membership.stories.js'
import OrderbookMeta from '../../stories/orderbook.stories.js'
import SetupMeta from '../../stories/setup.stories.js'
import { CollectionDemo } from '../../stories/support/collection-demo.js'

afterEach(() => cleanup())
const WAIT = { timeout: 20_000 }

function show(meta: { args: Parameters<typeof CollectionDemo>[0] }): ReturnType<typeof render> {
  const args = { ...meta.args, name: `${meta.args.name}-${Math.random().toString(36).slice(2, 8)}` }
  return render((<CollectionDemo {...args} />) as ReactNode)
}

/** Every node's card, once there are `n` and every one is online. */
async function nodes(view: ReturnType<typeof render>, n: number) {
  await waitFor(() => {
    const cards = view.queryAllByTestId(/^node-/)
    expect(cards).toHaveLength(n)
    for (const c of cards) expect(inside(c).getAllByTestId('status')[0]!.textContent).toMatch(/^online/)
  }, WAIT)
  return view.getAllByTestId(/^node-/)
}

const click = (el: HTMLElement) => act(() => fireEvent.click(el))

describe('collection stories', () => {
  it('chat (Vec): a message sent on one node shows on all three', async () => {
    const view = show(ChatMeta)
    const [first] = await nodes(view, 3)
    fireEvent.change(inside(first!).getByTestId('compose'), { target: { value: 'hello' } })
    await click(inside(first!).getByTestId('send'))
    await waitFor(() => {
      for (const c of view.getAllByTestId(/^node-/))
        expect(inside(c).getByTestId('messages').textContent).toContain('hello')
    }, WAIT)
  })

  it('board (Map): a vote counts on every node, and only that card re-renders', async () => {
    const view = show(BoardMeta)
    const [first] = await nodes(view, 3)
    await click(inside(first!).getByTestId('vote-bug'))
    await click(inside(first!).getByTestId('vote-bug'))
    await waitFor(() => {
      for (const c of view.getAllByTestId(/^node-/))
        expect(inside(c).getByTestId('card-bug').textContent).toMatch(/bug: ?2/)
    }, WAIT)
    const reader = view.getAllByTestId(/^node-/).at(-1)!
    expect(inside(reader).getByTestId('card-idea').textContent).toMatch(/renders [12]$/)
  })

  it('membership (Set): joining shows the member everywhere', async () => {
    const view = show(MembershipMeta)
    const [first] = await nodes(view, 4)
    await click(inside(first!).getByTestId('toggle'))
    await waitFor(() => {
      for (const c of view.getAllByTestId(/^node-/)) expect(inside(c).getByTestId('members').children).toHaveLength(1)
    }, WAIT)
  })

  it('one-time setup (Once): of two claims only the first committed counts', async () => {
    const view = show(SetupMeta)
    const [first, second] = await nodes(view, 4)
    await click(inside(first!).getByTestId('claim'))
    await waitFor(() => expect(inside(first!).getByTestId('setup').textContent).toContain('region eu'), WAIT)
    await click(inside(second!).getByTestId('claim'))
    await waitFor(() => {
      for (const c of view.getAllByTestId(/^node-/))
        expect(inside(c).getByTestId('setup').textContent).toContain('region eu')
    }, WAIT)
  })

  it('orderbook (PriorityQueue): orders show on every node', async () => {
    const view = show(OrderbookMeta)
    const [first] = await nodes(view, 3)
    await click(inside(first!).getByTestId('bid'))
    await click(inside(first!).getByTestId('ask'))
    await waitFor(() => {
      for (const c of view.getAllByTestId(/^node-/)) {
        expect(inside(c).getByTestId('bids').querySelectorAll('tr')).toHaveLength(1)
        expect(inside(c).getByTestId('asks').querySelectorAll('tr')).toHaveLength(1)
      }
    }, WAIT)
  })
})
