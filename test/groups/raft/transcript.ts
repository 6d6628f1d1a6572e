import type { LeadershipPreference } from '../../../src/groups/raft/index.js'
import { Cluster } from './cluster.js'

/**
 * A datadriven interpreter in the style of etcd's raft tests. A file is a list of blocks:
 *
 *     command arg arg
 *     ----
 *     expected output (until a blank line)
 *
 * Commands: `cluster [minVoters=N] [bootstrap=N] [noop=false]`, `add-nodes a b [c:observer]`,
 * `campaign a`, `tick a [n]`, `tick-all [n]`, `propose a cmd...`, `read a`, `stabilize`,
 * `partition a b | c`, `cut a b`, `heal`, `crash a`, `restart a [lost]`, `compact a`,
 * `status`, `log a`. Output is what the cluster recorded while the command ran.
 */
export function runTranscript(source: string): string {
  const blocks = source
    .replace(/\r/g, '')
    .split(/\n\n+/)
    .map((b) => b.trim())
    .filter(Boolean)
  let cluster = new Cluster({ noop: true })
  const out: string[] = []
  for (const block of blocks) {
    const [commandPart] = block.split('\n----')
    const lines = (commandPart ?? '').split('\n')
    const comments = lines.filter((l) => l.startsWith('#'))
    const command = lines
      .filter((l) => !l.startsWith('#'))
      .join(' ')
      .trim()
    if (!command) {
      out.push(comments.join('\n'))
      continue
    }
    const before = cluster.transcript.length
    let result: string[] = []
    const [name, ...args] = command.split(/\s+/)
    switch (name) {
      case 'cluster': {
        const opts = Object.fromEntries(args.map((a) => a.split('=') as [string, string]))
        cluster = new Cluster({
          noop: opts.noop !== 'false',
          ...(opts.minVoters ? { minVoters: Number(opts.minVoters) } : {}),
          config: { bootstrapTicks: Number(opts.bootstrap ?? 0) },
        })
        break
      }
      case 'add-nodes':
        for (const spec of args) {
          const [id, preference] = spec.split(':')
          cluster.add(id ?? spec, (preference ?? 'normal') as LeadershipPreference)
        }
        break
      case 'campaign':
        cluster.campaign(need(args[0]))
        break
      case 'tick':
        cluster.tick(need(args[0]), Number(args[1] ?? 1))
        cluster.processReadies()
        break
      case 'tick-all':
        cluster.tickAll(Number(args[0] ?? 1))
        cluster.processReadies()
        break
      case 'propose': {
        const id = cluster.get(need(args[0])).raft.propose(args.slice(1))
        result.push(`request ${id}`)
        break
      }
      case 'read':
        result.push(`request ${cluster.get(need(args[0])).raft.readIndex()}`)
        break
      case 'stabilize':
        cluster.stabilize()
        break
      case 'partition': {
        const groups = args
          .join(' ')
          .split('|')
          .map((g) => g.trim().split(/\s+/))
        cluster.partition(...groups)
        break
      }
      case 'cut':
        cluster.cutLink(need(args[0]), need(args[1]))
        break
      case 'heal':
        cluster.heal()
        break
      case 'crash':
        cluster.crash(need(args[0]))
        break
      case 'restart':
        cluster.restart(need(args[0]), args[1] !== 'lost')
        break
      case 'compact':
        cluster.compact(need(args[0]))
        break
      case 'status':
        result = [...cluster.members.values()].map((m) => {
          const s = m.raft.status()
          const flags = [
            s.lagging ? ' lagging' : '',
            s.needsSnapshot ? ` needs-snapshot@${s.needsSnapshot.index}` : '',
            m.up ? '' : ' down',
          ]
          return `${m.id}: ${s.role} t=${s.term} leader=${s.leader ?? '-'} commit=${s.commit} log=${s.firstIndex}..${s.lastIndex} applied=[${m.applied.join(' ')}]${flags.join('')}`
        })
        break
      case 'log': {
        const raft = cluster.get(need(args[0])).raft
        const s = raft.status()
        result = raft
          .entries(s.firstIndex, s.lastIndex)
          .map((e) => `${e.index} t=${e.term} ${e.noop ? '<noop>' : e.command}`)
        break
      }
      default:
        throw new Error(`unknown transcript command: ${command}`)
    }
    const recorded = cluster.transcript.slice(before)
    const output = [...recorded, ...result].map((l) => l.replace(/#[0-9a-z]+/g, ''))
    out.push([...comments, command, '----', ...(output.length ? output : ['ok'])].join('\n'))
  }
  return `${out.join('\n\n')}\n`
}

function need(arg: string | undefined): string {
  if (arg === undefined) throw new Error('transcript command needs an argument')
  return arg
}
