/** Every benchmark, in the order `npm run bench` runs them. */
import type { Benchmark } from '../lib/harness.js'
import { bundle } from './bundle.js'
import { commitLatency } from './commit-latency.js'
import { commitProcesses } from './commit-processes.js'
import { failover } from './failover.js'
import { history } from './history.js'
import { mapCatchup } from './map-catchup.js'
import { memory } from './memory.js'
import { online } from './online.js'
import { presence } from './presence.js'
import { rawRtt } from './raw-rtt.js'
import { reactRender } from './react-render.js'
import { throughput } from './throughput.js'
import { visible } from './visible.js'

export const BENCHMARKS: readonly Benchmark[] = [
  rawRtt,
  commitLatency,
  commitProcesses,
  throughput,
  visible,
  reactRender,
  presence,
  online,
  failover,
  history,
  mapCatchup,
  memory,
  bundle,
]
