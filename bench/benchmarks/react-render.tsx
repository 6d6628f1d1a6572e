/**
 * Write-to-render latency across two React providers: a component under one
 * `NetworkProvider` writes with `useCellWriter`; a component under a second provider, on
 * another peer, reads with `useCellReader` (an observer). Measured: from `write()` until the
 * reader's layout effect runs with the new value (React rendered and committed it), and how
 * many renders of the reader each write costs (one is the target). The DOM is happy-dom;
 * React is its production build (what apps ship), inside `<StrictMode>`.
 */
import { type CellDef, defineCell } from '../../src/collections/index.js'
import type { Network } from '../../src/network/index.js'
import { Cluster, type Value, value } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import { installDom } from '../lib/dom.js'
import { type Benchmark, latencyRow, type Row } from '../lib/harness.js'
import { now, summarize, until, within, yieldToEventLoop } from '../lib/stats.js'

interface Probe {
  write?: (v: Value) => Promise<number>
  writerOnline: boolean
  readerOnline: boolean
  renders: number
  onCommit?: (v: Value | undefined) => void
}

type ReactModule = typeof import('react')
type Hooks = typeof import('../../src/react/index.js')
/** Loaded by `run` (production build), used by the components below. */
let R: ReactModule | undefined
let hooks: Hooks | undefined

interface ProbeProps {
  def: CellDef<Value>
  probe: Probe
}

function Writer({ def, probe }: ProbeProps) {
  const w = hooks!.useCellWriter(def)
  probe.write = w.write
  probe.writerOnline = w.online
  return null
}

function Reader({ def, probe }: ProbeProps) {
  const r = hooks!.useCellReader(def)
  probe.renders++
  probe.readerOnline = r.online
  const v = r.value
  R!.useLayoutEffect(() => probe.onCommit?.(v), [v])
  return R!.createElement('span', null, String(v?.n ?? ''))
}

export const reactRender: Benchmark = {
  name: 'react-render',
  title: 'write-to-render latency across two React providers',
  async run(ctx) {
    const p = ctx.pick({
      full: { samples: 200, warmup: 30, rawSamples: 200 },
      smoke: { samples: 5, warmup: 2, rawSamples: 10 },
    })
    const rows: Row[] = []
    {
      // React picks its build from NODE_ENV when first loaded: load the production build,
      // unless a test runner chose one (vitest compiles our JSX for the development build).
      const env = process.env.NODE_ENV
      if (env === undefined) process.env.NODE_ENV = 'production'
      const React = await import('react')
      const { createRoot } = await import('react-dom/client')
      hooks = await import('../../src/react/index.js')
      R = React
      const { NetworkProvider } = hooks
      await import('react/jsx-runtime')
      if (env === undefined) delete process.env.NODE_ENV
      // Under vitest React may already be loaded in its development build; say which one ran.
      const reactBuild = (React as { act?: unknown }).act === undefined ? 'production' : 'development'
      for (const transport of ctx.transports) {
        await ctx.attempt(`react-render ${transport}`, async () => {
          const cluster = await Cluster.start({ transport, writers: 0 })
          const a = cluster.peers[await cluster.addPeer()]!.network
          const b = cluster.peers[await cluster.addPeer()]!.network
          const uninstall = installDom()
          const root = createRoot(document.createElement('div'))
          try {
            const Def = defineCell<Value>(`${cluster.storeId}.react`, { consensus: QUICK_START })
            const probe: Probe = { writerOnline: false, readerOnline: false, renders: 0 }
            const provider = (network: Network, child: React.FunctionComponent<ProbeProps>) =>
              React.createElement(NetworkProvider, {
                network,
                children: React.createElement(child, { def: Def, probe }),
              })
            root.render(React.createElement(React.StrictMode, null, provider(a, Writer), provider(b, Reader)))
            await until(
              30_000,
              'writer and reader components online',
              () => probe.writerOnline && probe.readerOnline,
              5,
            )
            const raw = summarize(await cluster.rawRtt(cluster.peers[0]!, cluster.peers[1]!, p.rawSamples))
            const latencies: number[] = []
            const renders: number[] = []
            const one = async (record: boolean) => {
              const v = value()
              const before = probe.renders
              const seen = new Promise<number>((resolve) => {
                probe.onCommit = (got) => {
                  if (got?.n === v.n) resolve(now())
                }
              })
              const t0 = now()
              void probe.write!(v).catch(() => {})
              const t1 = await within(10_000, `value ${v.n} rendered by the reader`, seen)
              await yieldToEventLoop()
              if (record) {
                latencies.push(t1 - t0)
                renders.push(probe.renders - before)
              }
            }
            for (let i = 0; i < p.warmup; i++) await one(false)
            for (let i = 0; i < p.samples; i++) await one(true)
            const stats = summarize(latencies)
            const r = summarize(renders)
            rows.push(
              latencyRow({
                case: 'write → reader rendered',
                transport,
                nodes: 2,
                stats,
                raw,
                extra: { rendersPerWrite: r, strictMode: true, reactBuild },
              }),
            )
            rows.push({
              case: 'reader renders per write',
              transport,
              nodes: 2,
              unit: 'renders',
              stats: r,
              target: { text: '1', pass: r.median <= 1 },
              extra: { reactBuild },
            })
            ctx.log(`react-render ${transport}: p50 ${stats.median.toFixed(3)} ms, ${r.median} renders/write`)
          } finally {
            root.unmount()
            await cluster.stop()
            // React's scheduler finishes the unmount's passive effects on later macrotask
            // turns (setImmediate); the DOM must still be there when they run.
            for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
            uninstall()
          }
        })
      }
    }
    return { rows, params: { ...p, consensus: QUICK_START, dom: 'happy-dom', strictMode: true } }
  },
}
