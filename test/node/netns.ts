import { execFileSync } from 'node:child_process'

/** Why network namespaces cannot be used here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'needs root (ip netns add); CI runs .ci/run as root'
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
  } catch {
    return 'needs the `ip` command (iproute2)'
  }
  const probe = `mzk-probe-${process.pid}`
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' })
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' })
  } catch (err) {
    return `cannot create a network namespace: ${(err as Error).message.split('\n')[0]}`
  }
  return undefined
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' })
}

/**
 * A private LAN of network namespaces: one hub namespace holding a bridge, and one
 * namespace per host, linked to the bridge by a veth pair and given `10.<net>.0.<n>/24`.
 * Nothing is created in the caller's namespace, so no traffic touches the machine's own
 * interfaces and hosts can reach each other only over the veth links (each has its own
 * loopback). Names carry the process id and a random part, so parallel runs never clash.
 * `remove()` deletes every namespace (and with them the links); it never throws.
 */
export class NetnsLan {
  readonly prefix: string
  readonly subnet: string
  readonly hosts = new Map<string, { ns: string; address: string }>()
  readonly #namespaces: string[] = []

  constructor() {
    removeOrphans()
    this.prefix = `mzk-${process.pid.toString(36)}-${Math.floor(Math.random() * 36 ** 3).toString(36)}`
    this.subnet = `10.${100 + Math.floor(Math.random() * 100)}.0`
    try {
      this.#add(`${this.prefix}-hub`)
      ip('-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge')
      ip('-n', this.hub, 'link', 'set', 'br0', 'up')
    } catch (err) {
      this.remove()
      throw err
    }
  }

  get hub(): string {
    return `${this.prefix}-hub`
  }

  /** Adds a host namespace named `<prefix>-<name>` with address `<subnet>.<n>`. */
  host(name: string, n: number): { ns: string; address: string } {
    const ns = `${this.prefix}-${name}`
    const address = `${this.subnet}.${n}`
    this.#add(ns)
    const port = `p${n}`
    ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', port, 'netns', this.hub)
    ip('-n', this.hub, 'link', 'set', port, 'master', 'br0', 'up')
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    const host = { ns, address }
    this.hosts.set(name, host)
    return host
  }

  /** The command prefix that runs a program inside `ns`. */
  exec(ns: string): string[] {
    return ['ip', 'netns', 'exec', ns]
  }

  remove(): void {
    for (const ns of this.#namespaces.splice(0).reverse()) {
      try {
        ip('netns', 'del', ns)
      } catch {
        // Already gone.
      }
    }
  }

  #add(ns: string): void {
    ip('netns', 'add', ns)
    this.#namespaces.push(ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
  }
}

/** Deletes namespaces left by a run whose process died before its cleanup (`mzk-<pid>-…`). */
function removeOrphans(): void {
  let names: string[]
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
  } catch {
    return
  }
  for (const ns of names) {
    const m = /^mzk-([0-9a-z]+)-[0-9a-z]+-/.exec(ns)
    if (!m) continue
    const pid = Number.parseInt(m[1] as string, 36)
    if (pid === process.pid || alive(pid)) continue
    try {
      ip('netns', 'del', ns)
    } catch {
      // Someone else removed it.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
