/**
 * In-process CPU profiling (the same V8 profiler `node --cpu-prof` uses) and a summary of
 * where the time went: self time by stage of a commit (raft core, group driver, channel
 * framing, CBOR, yamux, noise, transport, GC …) and by function.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { dirname } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Runs `fn` under the V8 sampling profiler; writes the `.cpuprofile` (Chrome DevTools format) to `file`. */
export async function profiled<T>(file: string, fn: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
    const result = await fn()
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile }
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify(profile))
    return { result, profile }
  } finally {
    session.disconnect()
  }
}

/** Stages of a commit, matched on the source URL of a sampled frame, first match wins. */
const STAGES: Array<[string, RegExp]> = [
  ['raft core (src/groups/raft)', /\/src\/groups\/raft\//],
  ['group bonds (src/groups/bond)', /\/src\/groups\/bond\//],
  ['snapshot sync (src/groups/sync)', /\/src\/groups\/sync\//],
  ['group driver (src/groups)', /\/src\/groups\//],
  ['cell (src/collections)', /\/src\/collections\//],
  ['channel (src/network)', /\/src\/network\//],
  ['discovery (src/discovery)', /\/src\/discovery\//],
  ['cbor codec (src/core/codec + cbor-x)', /\/src\/core\/codec|\/cbor-x\//],
  ['framing (src/core/framing)', /\/src\/core\/framing/],
  ['core (src/core)', /\/src\/core\//],
  ['bench harness', /\/bench\//],
  ['yamux muxer', /libp2p-yamux/],
  ['noise encryption', /libp2p-noise|@noble\/ciphers|chacha|poly1305|@noble\/curves/],
  ['wasm (chacha20poly1305 of noise)', /^wasm:/],
  ['memory transport', /@libp2p\/memory/],
  ['tcp transport', /@libp2p\/tcp/],
  ['webrtc transport', /@libp2p\/webrtc|node-datachannel/],
  ['gossipsub', /gossipsub/],
  [
    'libp2p streams & utils',
    /\/libp2p\/|@libp2p\/|uint8arraylist|it-|\/p-queue|\/race-|\/main-event|@multiformats|uint8arrays|protons/,
  ],
  ['profiler overhead', /^node:inspector/],
  ['node internals (timers, events, microtasks)', /^node:|^internal\//],
]

export interface ProfileSummary {
  totalMs: number
  /** Self time by stage, ms and share, largest first. `(idle)` and `(program)` are their own stages. */
  stages: Array<{ stage: string; ms: number; share: number }>
  /** Self time by function, top entries. */
  functions: Array<{ fn: string; ms: number; share: number }>
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  }
  const stages = new Map<string, number>()
  const fns = new Map<string, number>()
  let total = 0
  for (const [id, ms] of self) {
    const node = byId.get(id)
    if (!node) continue
    total += ms
    const { url, functionName, lineNumber } = node.callFrame
    const stage = stageOf(url, functionName)
    stages.set(stage, (stages.get(stage) ?? 0) + ms)
    const short = url.includes('/node_modules/')
      ? url.replace(/^.*\/node_modules\//, '')
      : url.replace(/^.*\/(src|bench)\//, '$1/')
    const fn = `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`
    fns.set(fn, (fns.get(fn) ?? 0) + ms)
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])
  return {
    totalMs: total,
    stages: sorted(stages).map(([stage, ms]) => ({ stage, ms, share: ms / total })),
    functions: sorted(fns)
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms, share: ms / total })),
  }
}

function stageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC'
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName
    return `native ${functionName}`
  }
  for (const [stage, re] of STAGES) if (re.test(url)) return stage
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  return pkg ? `other: ${pkg[1]}` : 'other'
}

/** The busiest stages, excluding idle time, as one line for the report. */
export function describeStages(s: ProfileSummary, n = 6): string {
  const busy = s.stages.filter((x) => x.stage !== '(idle)' && x.stage !== 'profiler overhead')
  const busyMs = busy.reduce((a, x) => a + x.ms, 0)
  return busy
    .slice(0, n)
    .map((x) => `${x.stage} ${((x.ms / busyMs) * 100).toFixed(0)}%`)
    .join(', ')
}

/** The top functions by self time, without the profiler's own frames, as one line. */
export function hottest(s: ProfileSummary, n = 6): string {
  return s.functions
    .filter((f) => !f.fn.startsWith('post node:inspector'))
    .slice(0, n)
    .map((f) => `${f.fn} ${(f.share * 100).toFixed(1)}%`)
    .join('; ')
}
