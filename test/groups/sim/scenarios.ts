/**
 * Named simulator scenarios. A scenario fixes the consistency mode and which faults may happen;
 * the seed picks everything else (cluster size, preferences, timings, fault schedule).
 */
export interface Scenario {
  readonly name: string
  readonly strict: boolean
  /** Minority, majority, bridge and one-way partitions. */
  readonly partitions: boolean
  /** Crashes and restarts from persisted state. */
  readonly crashes: boolean
  /** Restarts with everything lost (default mode only: strict mode assumes durable votes). */
  readonly amnesia: boolean
  readonly lossy: boolean
  readonly compaction: boolean
  /** Record a client history and check it for linearizability. */
  readonly linearizability: boolean
  /** Planted bug, for proving the checkers catch one. */
  readonly plant?: 'forgedAcks' | 'localReads' | 'emptyCatalogAlone' | 'noHold' | 'hostileAppend'
  /** A startup scenario (`startup.ts`): members start together; the flags above do not apply. */
  readonly startup?: boolean
  /** Startup: after each join the thread stalls: the whole process, or only the joining peer. */
  readonly stall?: 'process' | 'peer'
  /** Startup: some bonds take longer than an election timeout (a WebRTC dial that hangs). */
  readonly slowBonds?: boolean
}

const startup = {
  strict: false,
  partitions: false,
  crashes: false,
  amnesia: false,
  lossy: false,
  compaction: false,
  linearizability: false,
  startup: true,
} as const

export const scenarios: Record<string, Scenario> = {
  default: {
    name: 'default',
    strict: false,
    partitions: true,
    crashes: true,
    amnesia: true,
    lossy: true,
    compaction: true,
    linearizability: false,
  },
  'default-connected': {
    name: 'default-connected',
    strict: false,
    partitions: false,
    crashes: true,
    amnesia: false,
    lossy: true,
    compaction: true,
    linearizability: false,
  },
  strict: {
    name: 'strict',
    strict: true,
    partitions: true,
    crashes: true,
    amnesia: false,
    lossy: true,
    compaction: true,
    linearizability: true,
  },
  'strict-forged-acks': {
    name: 'strict-forged-acks',
    strict: true,
    partitions: true,
    crashes: false,
    amnesia: false,
    lossy: false,
    compaction: false,
    linearizability: true,
    plant: 'forgedAcks',
  },
  'strict-local-reads': {
    name: 'strict-local-reads',
    strict: true,
    partitions: true,
    crashes: false,
    amnesia: false,
    lossy: false,
    compaction: false,
    linearizability: true,
    plant: 'localReads',
  },
  'simultaneous-start': { name: 'simultaneous-start', ...startup },
  'start-stalled-process': { name: 'start-stalled-process', ...startup, stall: 'process' },
  'start-stalled-peer': { name: 'start-stalled-peer', ...startup, stall: 'peer' },
  'start-slow-bonds': { name: 'start-slow-bonds', ...startup, slowBonds: true },
  'start-slow-bonds-no-hold': { name: 'start-slow-bonds-no-hold', ...startup, slowBonds: true, plant: 'noHold' },
  'start-empty-catalog-alone': {
    name: 'start-empty-catalog-alone',
    ...startup,
    stall: 'process',
    plant: 'emptyCatalogAlone',
  },
  'strict-hostile-append': {
    name: 'strict-hostile-append',
    strict: true,
    partitions: true,
    crashes: true,
    amnesia: false,
    lossy: true,
    compaction: false,
    linearizability: true,
    plant: 'hostileAppend',
  },
}

export function scenario(name: string): Scenario {
  const found = scenarios[name]
  if (!found) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`)
  return found
}

export function replayCommand(name: string, seed: number): string {
  return `npm run sim -- --core --seed ${seed} --scenario ${name}`
}
