/**
 * The tickets layer in Chromium: `jose` on WebCrypto issues and verifies HS256, ES256 and
 * EdDSA tickets in a page, as a browser app does (no Storybook needed: the layer is bundled
 * with esbuild and run in a blank page).
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { launchBrowser } from './harness.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('tickets in Chromium', { timeout: 60_000 }, () => {
  let browser
  let bundle
  let server
  let url
  before(async () => {
    const out = await build({
      entryPoints: [join(ROOT, 'src/tickets/index.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'Tickets',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    })
    bundle = out.outputFiles[0].text
    // WebCrypto needs a secure context: a page on 127.0.0.1, not about:blank.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>tickets</title>')
    })
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
    url = `http://127.0.0.1:${server.address().port}/`
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await new Promise((ok) => server?.close(ok))
  })

  it('issues and verifies JWT tickets, and refuses forged and expired ones', async () => {
    const page = await browser.context.newPage()
    await page.goto(url)
    await page.addScriptTag({ content: bundle })
    const result = await page.evaluate(async () => {
      const { Hs256, Es256, EdDsa, Jwt, JwtTicketBuilder, Expiration, authorizePeer, encodeTicket } = window.Tickets
      const peer = '12D3KooWBrowserPeerAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
      const hs = Hs256.fromSecret('87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568')
      const es = await Es256.generate()
      const ed = await EdDsa.generate()
      const out = {}
      for (const [name, signing, verifying] of [
        ['HS256', hs, hs],
        ['ES256', es.signing, await Es256.fromPublicJwk(es.publicJwk)],
        ['EdDSA', ed.signing, ed.verifying],
      ]) {
        const v = Jwt.withKey(verifying).allowIssuer('app')
        const b = new JwtTicketBuilder(signing).issuer('app')
        const ok = await authorizePeer(peer, [encodeTicket(await b.build(peer))], [v])
        const expired = await authorizePeer(peer, [encodeTicket(await b.build(peer, Expiration.alreadyExpired()))], [v])
        const other = await authorizePeer(peer, [encodeTicket(await b.build(`${peer}x`))], [v])
        out[name] = [ok.ok, expired.ok ? 'accepted' : expired.reason, other.ok ? 'accepted' : other.reason]
      }
      const forged = await new JwtTicketBuilder(Hs256.fromSecret('ab'.repeat(32))).issuer('app').build(peer)
      const r = await authorizePeer(peer, [encodeTicket(forged)], [Jwt.withKey(hs).allowIssuer('app')])
      out.forged = r.ok ? 'accepted' : r.reason
      return out
    })
    assert.deepEqual(result, {
      HS256: [true, 'expired', 'wrong-subject'],
      ES256: [true, 'expired', 'wrong-subject'],
      EdDSA: [true, 'expired', 'wrong-subject'],
      forged: 'bad-signature',
    })
  })
})
