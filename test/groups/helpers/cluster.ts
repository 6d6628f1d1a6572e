import '../../../src/groups/index.js'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import type { ConsensusConfig, SyncConfig } from '../../../src/groups/config.js'
import type { Group } from '../../../src/groups/types.js'
import type { Network, NetworkOptions } from '../../../src/network/network.js'
import { allKnowEachOther, type Nets, until } from '../../network/helpers.js'
import { Counter, type CounterCmd, type CounterQuery } from './counter.js'

export type CounterGroup = Group<CounterCmd, CounterQuery, number>
export type Transport = 'memory' | 'tcp'

/** Options for a network of the given transport. */
export function netOptions(transport: Transport, bootstrap?: string[]): Partial<NetworkOptions> {
  const base: Partial<NetworkOptions> =
    transport === 'tcp'
      ? { transport: 'node', iceServers: [], listen: ['/ip4/127.0.0.1/tcp/0'] }
      : { transport: 'memory' }
  return bootstrap ? { ...base, bootstrap } : base
}

export interface Member {
  readonly net: Network
  readonly sm: Counter
  readonly group: CounterGroup
  readonly telemetry: TelemetryEvent[]
}

/** `n` networks that know each other (the first is the bootstrap of the rest). */
export async function networks(nets: Nets, transport: Transport, n: number): Promise<Network[]> {
  const first = await nets.create(netOptions(transport))
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => nets.create(netOptions(transport, first.addresses()))),
  )
  const all = [first, ...rest]
  await until(all, `${n} networks to know each other`, () => allKnowEachOther(all), 15_000)
  return all
}

/** Joins the counter group on `net`, recording its telemetry. */
export function joinCounter(
  net: Network,
  key: string,
  preference: 'normal' | 'observer' = 'normal',
  consensus?: Partial<ConsensusConfig>,
  sync?: Partial<SyncConfig>,
): Member {
  const telemetry: TelemetryEvent[] = []
  net.onTelemetry((e) => {
    if (e.type.startsWith('group.') || e.type === 'input.rejected') telemetry.push(e)
  })
  const sm = new Counter(preference)
  const group = net.groups.join({
    key,
    stateMachine: sm,
    ...(consensus ? { consensus } : {}),
    ...(sync ? { sync } : {}),
  })
  return { net, sm, group, telemetry }
}
