import { driverScenario } from './scenarios.js'
import { type DriverResult, simulateDriver } from './simulation.js'

export interface DriverSweep {
  readonly results: DriverResult[]
  readonly failures: DriverResult[]
  /** One line per failure: the error and the command that replays exactly that seed. */
  readonly report: string
}

/** Runs seeds `from .. from+count-1` of a driver scenario, printing one line per seed. */
export async function driverSweep(name: string, from: number, count: number, print = true): Promise<DriverSweep> {
  const s = driverScenario(name)
  const results: DriverResult[] = []
  for (let seed = from; seed < from + count; seed++) {
    const r = await simulateDriver(s, seed)
    results.push(r)
    if (print)
      console.log(
        `driver sim ${name} seed ${seed}: ${r.ok ? 'ok' : 'FAIL'} (${r.nodes} members, ${r.events} events, ${r.calls} calls, ` +
          `${r.faults} faults, ${r.installs} installs, ${r.reverts} reverts)${r.ok ? '' : `\n  ${r.error}\n  replay: ${r.replay}`}`,
      )
  }
  const failures = results.filter((r) => !r.ok)
  const report = failures.map((r) => `${r.error}\n    replay: ${r.replay}`).join('\n')
  return { results, failures, report }
}
