/**
 * Startup trials (issue #16): `npm run trials -- [--runs 100] [--relay-runs 20] [--only 3+2,5,relay]`.
 * Runs simultaneous starts of 3 writers + 2 readers and of 5 writers (memory transport, 100 ms
 * render stall per open, default timings) and prints how many split, reverted or lost
 * acknowledged writes; then two Node peers through a local relay over WebRTC, opened 1 s apart
 * with a hung first WebRTC dial, and prints the worst time to agree.
 */
import { type StartupOutcome, startupTrial } from '../test/collections/startup.js'
import { relayTrial } from '../test/node/startup-relay.js'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const runs = Number(arg('runs') ?? 100)
const relayRuns = Number(arg('relay-runs') ?? 20)
const only = arg('only')?.split(',')
const wanted = (name: string) => !only || only.includes(name)

function report(name: string, outcomes: StartupOutcome[]): boolean {
  const split = outcomes.filter((o) => o.leaders !== 1).length
  const reverted = outcomes.filter((o) => o.reverts > 0).length
  const lost = outcomes.reduce((n, o) => n + o.lost, 0)
  const acknowledged = outcomes.reduce((n, o) => n + o.acknowledged, 0)
  const agree = outcomes.map((o) => o.agreeMs).sort((a, b) => a - b)
  const median = agree[Math.floor(agree.length / 2)] ?? 0
  const worst = agree[agree.length - 1] ?? 0
  console.log(
    `${name}: ${outcomes.length} trials, split ${split}, with reverts ${reverted}, ` +
      `acknowledged writes lost ${lost} of ${acknowledged}; agree median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms`,
  )
  return split === 0 && reverted === 0 && lost === 0
}

let ok = true
for (const [name, writers, readers] of [
  ['3+2', 3, 2],
  ['5', 5, 0],
] as const) {
  if (!wanted(name)) continue
  const outcomes: StartupOutcome[] = []
  for (let i = 0; i < runs; i++) outcomes.push(await startupTrial({ writers, readers, stallMs: 100 }))
  ok = report(`${writers} writers + ${readers} readers, 100 ms stall per open`, outcomes) && ok
}
if (wanted('relay')) {
  const outcomes: StartupOutcome[] = []
  let dials = 0
  for (let i = 0; i < relayRuns; i++) {
    const o = await relayTrial()
    dials += o.dials
    outcomes.push(o)
  }
  ok = report(`relay + WebRTC, 2 peers 1 s apart, first WebRTC dial hangs (${dials} WebRTC dials)`, outcomes) && ok
}
process.exit(ok ? 0 : 1)
