import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { defineSet } from '../src/collections/index.js'
import { useNetwork, useSetReader, useSetWriter } from '../src/react/index.js'
import type { DemoNode } from './support/cluster.js'
import { CollectionDemo, DEMO_CONSENSUS, StatusLine } from './support/collection-demo.js'
import { shortPeer } from './support/devtools.js'
import { Button } from './support/ui.js'

const STORE = 'story.members'
const Members = defineSet<string>(STORE, { typeName: 'PeerId', consensus: DEMO_CONSENSUS })

function MemberList(): ReactNode {
  const { value, status, version, size } = useSetReader(Members)
  return (
    <>
      <StatusLine status={status} version={version} size={size} unit="here" />
      <ul style={{ paddingLeft: 18 }} data-testid="members">
        {[...value].map((p) => (
          <li key={p}>{shortPeer(p)}</li>
        ))}
      </ul>
    </>
  )
}

function JoinLeave(): ReactNode {
  const me = useNetwork().peerId
  const members = useSetWriter(Members)
  const here = members.value.has(me)
  return (
    <Button
      onClick={() => (here ? members.remove(me) : members.insert(me)).catch(console.error)}
      disabled={!members.online}
      testId="toggle"
    >
      {here ? 'leave' : 'join'}
    </Button>
  )
}

/**
 * Presence-like membership on a replicated `Set`: each writer joins or leaves with its own
 * peer id; every node sees the same members. (The set holds what was committed: a peer
 * that vanishes without leaving stays listed; live presence is `usePresence`'s job.)
 */
const meta = {
  title: 'Collections/Membership (Set)',
  component: CollectionDemo,
  args: {
    name: 'story-members',
    storeId: STORE,
    writers: 3,
    readers: 1,
    node: (n: DemoNode) => (
      <>
        <MemberList />
        {n.role === 'writer' && <JoinLeave />}
      </>
    ),
  },
} satisfies Meta<typeof CollectionDemo>

export default meta
export const MembershipStory: StoryObj<typeof meta> = { name: 'Membership' }
