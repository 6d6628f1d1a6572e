import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useEffect, useRef, useState } from 'react'
import type { CellOptions } from '../src/collections/types.js'
import { useCellWriter } from '../src/react/index.js'
import { CellCard } from './support/cell-card.js'
import { useCluster } from './support/cluster.js'
import { ClusterViews } from './support/cluster-views.js'
import { argsKey, cellOptions, TIMING_DEFAULTS, type TimingArgs, timingArgTypes } from './support/consensus.js'
import { Button, Label, Row } from './support/ui.js'

const STORE = 'story.late-joiner-counter'

/** Writes 1..count with a bounded number in flight; rendered inside a writer's provider. */
function BulkWriter(props: {
  count: number
  options: CellOptions<number>
  auto: boolean
  onDone: () => void
}): ReactNode {
  const cell = useCellWriter<number>(STORE, props.options)
  const [done, setDone] = useState<number>()
  const started = useRef(false)
  const run = async () => {
    if (started.current) return
    started.current = true
    setDone(0)
    let next = 1
    let finished = 0
    const worker = async () => {
      while (next <= props.count) {
        const value = next++
        await cell.write(value).catch(() => {})
        finished += 1
        if (finished % 25 === 0 || finished === props.count) setDone(finished)
      }
    }
    await Promise.all(Array.from({ length: 32 }, worker))
    props.onDone()
  }
  const online = cell.status === 'online'
  // biome-ignore lint/correctness/useExhaustiveDependencies: start once, when online
  useEffect(() => {
    if (props.auto && online) void run()
  }, [props.auto, online])
  return (
    <Button onClick={() => void run()} disabled={!online || started.current} testId="bulk-write">
      {done === undefined ? `write ${props.count.toLocaleString('en')}` : `${done.toLocaleString('en')} written`}
    </Button>
  )
}

export interface LateJoinerArgs extends TimingArgs {
  writes: number
  /** Write at once and add the late node when done (used by the browser test). */
  auto: boolean
  lateRole: 'writer' | 'reader'
}

function LateJoinerDemo(args: LateJoinerArgs): ReactNode {
  const { writes, auto, lateRole } = args
  const { cluster, nodes, error } = useCluster({ name: 'story-late-joiner' }, (c) => c.addMany(3))
  const [written, setWritten] = useState(false)
  const options = cellOptions(args)
  const late = nodes.length > 3
  const addLate = () => void cluster?.add(lateRole)
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, after the bulk write
  useEffect(() => {
    if (auto && written && !late) addLate()
  }, [auto, written])
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      {error && <pre style={{ color: 'crimson' }}>{error}</pre>}
      <Row style={{ alignItems: 'center' }}>
        <Button onClick={addLate} disabled={!written || late} testId="add-late">
          add a late {lateRole}
        </Button>
        <Label>
          {late
            ? 'the late node asks the leader for a snapshot, fetches it in batches from its peers, then follows the log'
            : written
              ? `${writes.toLocaleString('en')} writes committed: add the late node`
              : `first write ${writes.toLocaleString('en')} values on writer 1`}
        </Label>
      </Row>
      <Row>
        {nodes.map((n) => (
          <div key={n.n} style={{ outline: n.n > 3 ? '3px solid #22c55e' : undefined, borderRadius: 8 }}>
            <CellCard node={n} storeId={STORE} options={options}>
              {n.n === 1 && <BulkWriter count={writes} options={options} auto={auto} onDone={() => setWritten(true)} />}
            </CellCard>
          </div>
        ))}
      </Row>
      {cluster && <ClusterViews store={cluster.store} storeId={STORE} storageKey="mosaik-devtools.late-joiner" />}
    </div>
  )
}

/**
 * Three writers commit 1,000 values; then a fourth node joins. It is far behind, so it
 * catches up by snapshot sync (the `sync` column and the event log show started →
 * fetching → installed) and then follows the log like the others.
 */
const meta = {
  title: 'Cells/Late joiner',
  component: LateJoinerDemo,
  args: { writes: 1000, auto: false, lateRole: 'writer', ...TIMING_DEFAULTS },
  argTypes: {
    writes: { control: { type: 'range', min: 100, max: 5000, step: 100 } },
    lateRole: { control: 'inline-radio', options: ['writer', 'reader'] },
    ...timingArgTypes,
  },
} satisfies Meta<typeof LateJoinerDemo>

export default meta
export const LateJoiner: StoryObj<typeof meta> = {
  render: (args) => <LateJoinerDemo key={argsKey(args)} {...args} />,
}
