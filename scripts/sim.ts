/**
 * Simulator sweeps and replays. By default it drives the real group driver (`GroupMember` on a
 * simulated network, `test/groups/sim/driver`): `npm run sim` sweeps every driver scenario,
 * `npm run sim -- --scenario strict --seeds 200`, `npm run sim -- --scenario default --seed 4`;
 * `--scenario bond-replace` replaces bonds in use under writes (driver/bond-replace.ts).
 * (`--driver` is accepted and changes nothing: replay lines print it.)
 * `--core` runs the pure Raft core's simulator instead (test/groups/sim/simulator.ts):
 * `npm run sim -- --core --seeds 100000 [--scenario strict] [--from 1]`, or replay one failure:
 * `npm run sim -- --core --seed 1234 --scenario default --verbose`.
 */
import { simulateBondReplace } from '../test/groups/sim/driver/bond-replace.js'
import { driverScenarios } from '../test/groups/sim/driver/scenarios.js'
import { driverSweep } from '../test/groups/sim/driver/sweep.js'
import { scenario, scenarios } from '../test/groups/sim/scenarios.js'
import { simulate } from '../test/groups/sim/simulator.js'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const driver = !process.argv.includes('--core')

if (driver && arg('scenario') === 'bond-replace') {
  const one = arg('seed')
  const from = one !== undefined ? Number(one) : Number(arg('from') ?? 1)
  const count = one !== undefined ? 1 : Number(arg('seeds') ?? 20)
  let failures = 0
  for (let seed = from; seed < from + count; seed++) {
    const r = await simulateBondReplace(seed)
    if (!r.ok) failures++
    if (!r.ok || one !== undefined || process.argv.includes('--verbose')) console.log(JSON.stringify(r))
  }
  console.log(`bond-replace: ${count} seeds, ${failures} failures`)
  process.exit(failures > 0 ? 1 : 0)
}

if (driver) {
  const one = arg('seed')
  const names = arg('scenario')?.split(',') ?? Object.keys(driverScenarios).filter((n) => !driverScenarios[n]?.plant)
  const from = one !== undefined ? Number(one) : Number(arg('from') ?? 1)
  const count = one !== undefined ? 1 : Number(arg('seeds') ?? 20)
  let failures = 0
  const started = performance.now()
  for (const name of names) {
    const run = await driverSweep(name, from, count, one !== undefined || process.argv.includes('--verbose'))
    failures += run.failures.length
    if (run.failures.length > 0 && one === undefined) console.log(run.report)
    console.log(`${name}: ${count} seeds, ${run.failures.length} failures`)
  }
  console.log(`${failures} failures in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  process.exit(failures > 0 ? 1 : 0)
}

const one = arg('seed')
const names = arg('scenario')?.split(',') ?? Object.keys(scenarios).filter((n) => !scenarios[n]?.plant)
const count = Number(arg('seeds') ?? 1000)
const from = Number(arg('from') ?? 1)
const verbose = process.argv.includes('--verbose')

let failures = 0
const started = performance.now()
for (const name of names) {
  const s = scenario(name)
  const seeds = one !== undefined ? [Number(one)] : Array.from({ length: count }, (_, i) => from + i)
  let ticks = 0
  let ops = 0
  let reverts = 0
  let rivals = 0
  let faults = 0
  for (const seed of seeds) {
    const result = simulate(s, seed, process.argv.includes('--trace') ? { trace: (line) => console.log(line) } : {})
    ticks += result.ticks
    ops += result.ops
    reverts += result.reverts
    rivals += result.rivals
    faults += result.faults
    if (verbose || one !== undefined) console.log(JSON.stringify(result))
    if (seeds.length >= 5000 && (seed - from + 1) % 5000 === 0) console.log(`  ${name}: ${seed - from + 1} seeds done`)
    if (!result.ok) {
      failures++
      console.log(`FAIL ${result.error}\n  replay: ${result.replay}`)
    }
  }
  console.log(
    `${name}: ${seeds.length} seeds, ${ticks} ticks, ${faults} faults, ${ops} client ops, ${reverts} reverts, ${rivals} rival-leader meetings`,
  )
}
console.log(`${failures} failures in ${((performance.now() - started) / 1000).toFixed(1)} s`)
process.exitCode = failures > 0 ? 1 : 0
