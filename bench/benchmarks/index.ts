/** Every benchmark, in the order `npm run bench` runs them. */
import type { Benchmark } from '../lib/harness.js'
import { bundle } from './bundle.js'
import { rawRtt } from './raw-rtt.js'

export const BENCHMARKS: readonly Benchmark[] = [rawRtt, bundle]
