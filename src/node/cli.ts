import { parseArgs } from 'node:util'
import { startRelay } from './relay.js'

const USAGE = `usage: mosaik-react relay [--host 127.0.0.1] [--port 9090] [--network mosaik]

  relay   start a circuit-relay-v2 + WebSockets + discovery node and print its multiaddrs`

/**
 * Runs the `mosaik-react` command line. Returns the process exit code; for `relay` it
 * resolves only after SIGINT/SIGTERM stopped the relay.
 */
export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9090' },
      network: { type: 'string', default: 'mosaik' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help || positionals[0] !== 'relay') {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`invalid --port ${values.port}`)
    return 2
  }
  const relay = await startRelay({ host: values.host, port, network: values.network })
  console.log(`mosaik-react relay for network "${values.network}" (${relay.network.id.short()}) listening on:`)
  for (const a of relay.addresses) console.log(a)
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  await relay.stop()
  return 0
}
