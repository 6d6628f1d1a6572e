/**
 * `npm run bench`: runs the benchmark suite and prints one table per benchmark.
 *
 *   npm run bench                                   # everything, full size (< 10 min on 2 cores)
 *   npm run bench -- --only commit-latency,throughput
 *   npm run bench -- --transports memory --nodes 3
 *   npm run bench -- --only throughput --profile    # writes bench/results/throughput.cpuprofile
 *   npm run bench -- --smoke                        # a few iterations of each (what the smoke test runs)
 *
 * `npm run bench` compiles our TypeScript as the package ships it (`lib/ts-hooks.mjs`, no
 * `keepNames` helper calls); `npx tsx bench/run.ts` works too, and measures tsx's output.
 *
 * Results: `bench/results/<name>.json` (git-ignored), one per benchmark, overwritten each run.
 */
import { parseArgs } from 'node:util'
import { BENCHMARKS } from './benchmarks/index.js'
import { runSuite } from './lib/runner.js'
import { ALL_TRANSPORTS, type BenchTransport } from './lib/transports.js'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string' },
    transports: { type: 'string' },
    nodes: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
})

if (values.list) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(16)} ${b.title}`)
  process.exit(0)
}

const split = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined
const transports = (split(values.transports) ?? [...ALL_TRANSPORTS]) as BenchTransport[]
for (const t of transports) {
  if (!ALL_TRANSPORTS.includes(t)) throw new Error(`unknown transport ${t}; use ${ALL_TRANSPORTS.join(', ')}`)
}

const summary = await runSuite({
  only: split(values.only),
  skip: split(values.skip),
  transports,
  nodes: split(values.nodes)?.map(Number) ?? [1, 3, 5],
  scale: values.smoke ? 'smoke' : 'full',
  profile: values.profile,
  resultsDir: values.out ?? new URL('./results/', import.meta.url).pathname,
})
// Libraries may leave handles (sockets in TIME_WAIT, WebRTC threads); the suite is done.
process.exit(summary.failed.length > 0 ? 1 : 0)
