import { spawn } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { withTimeout } from '../../src/core/async.js'
import { Network } from '../../src/network/network.js'
import { bound } from '../helpers/bounds.js'
import { Child } from './child.js'

const BIN = fileURLToPath(new URL('../../bin/mosaik-react.js', import.meta.url))

describe('npx mosaik-react relay', () => {
  it('prints the relay multiaddrs, serves peers, and exits cleanly on SIGINT', async () => {
    // process.execPath is the Node 22 that runs the tests (node_modules/.bin/node under npx).
    const child = spawn(
      process.execPath,
      [BIN, 'relay', '--host', '127.0.0.1', '--port', '0', '--network', 'cli-test'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      let out = ''
      const addr = await withTimeout(
        new Promise<string>((resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString()
            const m = out.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\S+$/m)
            if (m) resolve(m[0])
          })
          child.on('exit', (code) => reject(new Error(`relay exited with ${code}: ${out}`)))
        }),
        bound(15_000),
        'the relay CLI to print a /ws multiaddr',
      )
      const peer = await Network.create({ network: 'cli-test', transport: 'node', iceServers: [], listen: [] })
      try {
        await peer.dial(addr)
        expect(peer.connectedPeers()).toContain(addr.split('/p2p/')[1])
      } finally {
        await peer.stop()
      }
      child.kill('SIGINT')
      expect(await withTimeout(exited, bound(10_000), 'the relay CLI to exit after SIGINT')).toBe(0)
    } finally {
      child.kill('SIGKILL')
    }
  })

  // Two relay processes one after the other, each loading the sources through tsx.
  it('--key-file keeps the printed multiaddr across restarts; --announce prints the public address', {
    timeout: 90_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mosaik-cli-'))
    const keyFile = join(dir, 'relay.key')
    const run = async (args: string[]) => {
      const relay = new Child(process.execPath, [BIN, 'relay', '--host', '127.0.0.1', '--network', 'cli-key', ...args])
      try {
        const addr = await relay.line(
          (l) => /^\/(ip4|dns4)\/\S+\/p2p\/\S+$/.test(l),
          'the relay CLI to print a multiaddr',
          20_000,
        )
        return { addr, out: relay.lines.join('\n') }
      } finally {
        relay.process.kill('SIGINT')
        expect(
          await withTimeout(relay.exited, 10_000, 'the relay CLI to exit'),
          `exit of relay ${args.join(' ')}: ${relay.lines.join(' | ')} ${relay.stderr}`,
        ).toBe(0)
      }
    }
    try {
      const first = await run(['--port', '0', '--key-file', keyFile])
      expect(first.out).toContain(`identity created in ${keyFile}`)
      expect(((await stat(keyFile)).mode & 0o777).toString(8)).toBe('600')
      const port = /\/tcp\/(\d+)\//.exec(first.addr)?.[1] as string
      // The same key and port again, now announcing a public address: the listen address is
      // the first run's, and the announced one carries the same relay id.
      const second = await run([
        '--port',
        port,
        '--key-file',
        keyFile,
        '--announce',
        '/dns4/relay.example.com/tcp/443/wss',
      ])
      expect(second.out).toContain(`identity loaded from ${keyFile}`)
      expect(second.out).toContain(`listening on ${first.addr}`)
      expect(second.addr).toBe(`/dns4/relay.example.com/tcp/443/wss/p2p/${first.addr.split('/p2p/')[1]}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('mosaik-react relay ticket options', () => {
  it('refuses a bad ticket key with exit code 2 before starting anything', async () => {
    const { main } = await import('../../src/node/cli.js')
    const errors: unknown[] = []
    const error = console.error
    console.error = (...a: unknown[]) => errors.push(a.join(' '))
    try {
      expect(await main(['relay', '--port', '0', '--ticket-secret', 'abcd'])).toBe(2)
      expect(await main(['relay', '--port', '0', '--ticket-secret', 'ab'.repeat(32), '--ticket-jwk', 'x.json'])).toBe(2)
    } finally {
      console.error = error
    }
    expect(errors.join('\n')).toMatch(/at least 32 bytes/)
    expect(errors.join('\n')).toMatch(/not both/)
  })
})
