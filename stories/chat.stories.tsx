import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useState } from 'react'
import { defineVec } from '../src/collections/index.js'
import { useVecReader, useVecWriter } from '../src/react/index.js'
import type { DemoNode } from './support/cluster.js'
import { CollectionDemo, DEMO_CONSENSUS, StatusLine } from './support/collection-demo.js'
import { Button } from './support/ui.js'

interface Message {
  id: string
  from: string
  text: string
}
const STORE = 'story.chat'
const Chat = defineVec<Message>(STORE, { typeName: 'Message', consensus: DEMO_CONSENSUS })

function Messages(): ReactNode {
  const { value, status, version, size } = useVecReader(Chat)
  return (
    <>
      <StatusLine status={status} version={version} size={size} unit="messages" />
      <ol style={{ paddingLeft: 18, minHeight: 60 }} data-testid="messages">
        {value.slice(-8).map((m) => (
          <li key={m.id}>
            <b>{m.from}</b>: {m.text}
          </li>
        ))}
      </ol>
    </>
  )
}

function Composer({ name }: { name: string }): ReactNode {
  const chat = useVecWriter(Chat)
  const [text, setText] = useState('')
  const send = () => {
    if (!text) return
    chat
      .pushBack({ id: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, from: name, text })
      .catch(console.error)
    setText('')
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        send()
      }}
    >
      <input value={text} onChange={(e) => setText(e.target.value)} placeholder="say something" data-testid="compose" />
      <Button onClick={send} disabled={!chat.online} testId="send">
        send{chat.pending > 0 ? ` (${chat.pending})` : ''}
      </Button>
    </form>
  )
}

function ChatNode({ node }: { node: DemoNode }): ReactNode {
  return (
    <>
      <Messages />
      {node.role === 'writer' && <Composer name={`peer ${node.n}`} />}
    </>
  )
}

/**
 * A chat on a replicated `Vec`: every writer appends with `pushBack`, every node (the
 * reader too) shows the same messages in the same order: the order the group committed.
 */
const meta = {
  title: 'Collections/Chat (Vec)',
  component: CollectionDemo,
  args: { name: 'story-chat', storeId: STORE, writers: 2, readers: 1, node: (n: DemoNode) => <ChatNode node={n} /> },
} satisfies Meta<typeof CollectionDemo>

export default meta
export const ChatStory: StoryObj<typeof meta> = { name: 'Chat' }
