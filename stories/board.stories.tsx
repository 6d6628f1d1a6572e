import type { Meta, StoryObj } from '@storybook/react-vite'
import { memo, type ReactNode, useRef } from 'react'
import { defineMap } from '../src/collections/index.js'
import { useMapReader, useMapValue, useMapWriter } from '../src/react/index.js'
import type { DemoNode } from './support/cluster.js'
import { CollectionDemo, DEMO_CONSENSUS, StatusLine } from './support/collection-demo.js'
import { Button, Row } from './support/ui.js'

interface Card {
  title: string
  votes: number
}
const STORE = 'story.board'
const Board = defineMap<string, Card>(STORE, { keyTypeName: 'string', typeName: 'Card', consensus: DEMO_CONSENSUS })
const IDS = ['idea', 'bug', 'chore', 'docs']

function Vote({ id }: { id: string }): ReactNode {
  const board = useMapWriter(Board)
  return (
    <Button
      onClick={() =>
        board.update(id, (c) => ({ title: c?.title ?? id, votes: (c?.votes ?? 0) + 1 })).catch(console.error)
      }
      disabled={!board.online}
      testId={`vote-${id}`}
    >
      +1
    </Button>
  )
}

/** One card, bound to one key: it re-renders only when that card changes (the count shows it). */
const CardView = memo(function CardView({ id, writer }: { id: string; writer: boolean }): ReactNode {
  const card = useMapValue(Board, id)
  const renders = useRef(0)
  renders.current++
  return (
    <div style={{ border: '1px solid #cbd5e1', borderRadius: 6, padding: 6 }} data-testid={`card-${id}`}>
      <div>
        {card?.title ?? id}: <b>{card?.votes ?? 0}</b>
      </div>
      <div style={{ fontSize: 10, color: '#94a3b8' }}>renders {renders.current}</div>
      {writer && <Vote id={id} />}
    </div>
  )
})

function BoardNode({ node }: { node: DemoNode }): ReactNode {
  const { status, version, size } = useMapReader(Board)
  return (
    <>
      <StatusLine status={status} version={version} size={size} unit="cards" />
      <Row>
        {IDS.map((id) => (
          <CardView key={id} id={id} writer={node.role === 'writer'} />
        ))}
      </Row>
    </>
  )
}

/**
 * A board on a replicated `Map`: each card is a key, each +1 an `update(key, fn)`, a
 * compare-exchange loop, so votes from several peers at once all count. Each card
 * component reads its own key with `useMapValue` and re-renders only when that card
 * changes (see its render count).
 */
const meta = {
  title: 'Collections/Board (Map)',
  component: CollectionDemo,
  args: { name: 'story-board', storeId: STORE, writers: 2, readers: 1, node: (n: DemoNode) => <BoardNode node={n} /> },
} satisfies Meta<typeof CollectionDemo>

export default meta
export const BoardStory: StoryObj<typeof meta> = { name: 'Board' }
