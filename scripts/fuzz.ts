/**
 * Structure-aware fuzzing of every inbound message type (issue #12):
 * `npm run fuzz -- --cases 1000000 [--seed 7]`, or replay one case: `npm run fuzz -- --seed 7 --case 1234`.
 * Prints cases, time, the slowest case, cases over 50 ms, heap growth, and a replay command
 * per finding. Exits 1 on any finding or stall.
 */
import { fuzzCase } from '../test/fuzz/cases.js'
import { fuzz, replayCommand, STALL_MS } from '../test/fuzz/run.js'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const seed = Number(arg('seed') ?? Math.floor(Math.random() * 2 ** 31))
const one = arg('case')
const cases = one !== undefined ? 1 : Number(arg('cases') ?? 100_000)
const from = one !== undefined ? Number(one) : Number(arg('from') ?? 0)

if (one !== undefined) {
  const c = fuzzCase(seed, from, [])
  console.log(
    `case ${from} of seed ${seed}: ${c.kind}, ${c.bytes.length} bytes${c.chunks ? ` in ${c.chunks.length} chunks` : ''}`,
  )
}
console.log(`fuzzing ${cases} cases from ${from}, seed ${seed} (replay any case: ${replayCommand(seed, from)})`)
const run = await fuzz(seed, cases, from, (done) => console.log(`  ${done} cases…`))
const s = run.stats
console.log(
  [
    `cases ${s.cases} in ${(run.ms / 1000).toFixed(1)} s (${((s.cases / run.ms) * 1000).toFixed(0)}/s), ${(s.bytes / 1e6).toFixed(1)} MB`,
    `refused: decode ${s.refusedDecode}, frame ${s.refusedFrame}, shape ${s.refusedShape}; accepted ${s.accepted}`,
    `strict refusals ${s.strictRefusals}, term jumps ${s.termJumps}, entries verified ${s.entriesVerified}`,
    `slowest case ${s.maxCaseMs.toFixed(2)} ms; cases over ${STALL_MS} ms: ${s.slowCases}`,
    `CBOR items scanned ${run.scanned} for ${s.bytes} bytes; heap growth ${(run.heapGrowthBytes / 1e6).toFixed(1)} MB`,
    `findings: ${run.failures.length}`,
  ].join('\n'),
)
for (const c of run.slow.slice(0, 10))
  console.log(`SLOW case ${c.index} (${c.kind}) ${c.ms.toFixed(1)} ms\n  replay: ${replayCommand(seed, c.index)}`)
for (const f of run.failures.slice(0, 20))
  console.log(`FINDING ${f.finding}\n  replay: ${replayCommand(seed, f.index)}`)
process.exit(run.failures.length > 0 || s.slowCases > 0 ? 1 : 0)
