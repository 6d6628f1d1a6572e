/** Story controls for consensus timings (every member of a cell must use the same). */
import type { ArgTypes } from '@storybook/react-vite'
import type { CellOptions } from '../../src/collections/types.js'

export interface TimingArgs {
  heartbeatInterval: number
  electionTimeout: number
  bootstrapDelay: number
}

/** Faster than the defaults (500 / 2000 / 3000 ms) so that a demo moves at a watchable pace. */
export const TIMING_DEFAULTS: TimingArgs = { heartbeatInterval: 200, electionTimeout: 1000, bootstrapDelay: 500 }

export const timingArgTypes: Partial<ArgTypes<TimingArgs>> = {
  heartbeatInterval: { control: { type: 'range', min: 50, max: 1000, step: 50 }, description: 'leader heartbeat, ms' },
  electionTimeout: { control: { type: 'range', min: 300, max: 5000, step: 100 }, description: 'election timeout, ms' },
  bootstrapDelay: {
    control: { type: 'range', min: 0, max: 5000, step: 100 },
    description: 'wait before the first election, ms',
  },
}

export function cellOptions(t: TimingArgs, minVoters = 0): CellOptions<number> {
  return {
    typeName: 'number',
    consensus: {
      heartbeatInterval: t.heartbeatInterval,
      electionTimeout: t.electionTimeout,
      bootstrapDelay: t.bootstrapDelay,
      minVoters,
    },
  }
}

/** A key that remounts a story (new cluster) when any of these args change. */
export const argsKey = (args: object): string => JSON.stringify(args)
