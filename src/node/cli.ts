import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { EdDsa, Es256, Es384, Hs256, Jwt, type VerifyingKey } from '../tickets/jwt/index.js'
import type { TicketValidator } from '../tickets/validator.js'
import { startRelay } from './relay.js'

const USAGE = `usage: mosaik-react relay [--host 127.0.0.1] [--port 9090] [--network mosaik]
                           [--key-file relay.key] [--announce /dns4/relay.example.com/tcp/443/wss]...
                           [--ticket-jwk public-key.json | --ticket-secret <hex>] [--ticket-issuer <iss>]

  relay   start a circuit-relay-v2 + WebSockets + discovery node and print its multiaddrs

  --key-file       keep the relay's identity in this file (created with mode 0600 on first
                   run), so its multiaddr stays the same across restarts
  --announce       a public multiaddr to print and announce instead of the listen address
                   (repeatable), e.g. the TLS reverse proxy in front of the relay
  --ticket-jwk     an ES256/ES384/EdDSA public JWK, or --ticket-secret (HS256): serve
                   discovery only to peers holding a JWT ticket signed by that key`

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
      'ticket-jwk': { type: 'string' },
      'ticket-secret': { type: 'string' },
      'ticket-issuer': { type: 'string' },
      'key-file': { type: 'string' },
      announce: { type: 'string', multiple: true },
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
  let requireTicket: TicketValidator[] | undefined
  try {
    requireTicket = await ticketValidator(values['ticket-jwk'], values['ticket-secret'], values['ticket-issuer'])
  } catch (err) {
    console.error(`invalid ticket key: ${(err as Error).message}`)
    return 2
  }
  let relay: Awaited<ReturnType<typeof startRelay>>
  try {
    relay = await startRelay({
      host: values.host,
      port,
      network: values.network,
      ...(requireTicket && { requireTicket }),
      ...(values['key-file'] && { keyFile: values['key-file'] }),
      ...(values.announce && { announce: values.announce }),
    })
  } catch (err) {
    console.error(`cannot start the relay: ${(err as Error).message}`)
    return 1
  }
  // Listen for the stop signals before printing: whoever reads the address may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  const keyFile = values['key-file']
  if (keyFile) console.log(`identity ${relay.createdKey ? 'created in' : 'loaded from'} ${keyFile}`)
  else console.log('identity: new at every start (pass --key-file to keep the same multiaddr across restarts)')
  if (values.announce) console.log(`listening on ${relay.listening.join(' ')}`)
  console.log(`mosaik-react relay for network "${values.network}" (${relay.network.id.short()}) reachable at:`)
  for (const a of relay.addresses) console.log(a)
  await stopped
  await relay.stop()
  return 0
}

/** The relay's `requireTicket` from the command line, or undefined without a key. */
async function ticketValidator(
  jwkPath: string | undefined,
  secret: string | undefined,
  issuer: string | undefined,
): Promise<TicketValidator[] | undefined> {
  if (jwkPath && secret) throw new Error('give --ticket-jwk or --ticket-secret, not both')
  let key: VerifyingKey | undefined
  if (secret) key = Hs256.fromSecret(secret).verifying
  if (jwkPath) {
    const jwk = JSON.parse(readFileSync(jwkPath, 'utf8')) as { crv?: string }
    const kind = jwk.crv === 'P-256' ? Es256 : jwk.crv === 'P-384' ? Es384 : jwk.crv === 'Ed25519' ? EdDsa : undefined
    if (!kind) throw new Error(`unsupported curve ${String(jwk.crv)} (P-256, P-384 or Ed25519)`)
    key = await kind.fromPublicJwk(jwk)
  }
  if (!key) return undefined
  const validator = issuer ? Jwt.withKey(key).allowIssuer(issuer) : Jwt.withKey(key)
  return [validator]
}
