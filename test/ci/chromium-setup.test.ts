import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  chromiumPath,
  chromiumPlan,
  DEFAULT_CHROMIUM,
  ensureChromium,
  INSTALL_COMMANDS,
  machineFacts,
} from '../browser/chromium.mjs'

const SCRIPT = join(import.meta.dirname, '..', 'browser', 'chromium.mjs')
const MISSING = '/nonexistent/mosaik-test/chromium'

describe('the browser suite sets up Chromium on a fresh machine', () => {
  it('uses CHROMIUM_PATH, else Debian’s binary', () => {
    expect(chromiumPath({})).toBe(DEFAULT_CHROMIUM)
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chrome' })).toBe('/opt/chrome')
    expect(DEFAULT_CHROMIUM).toBe('/usr/bin/chromium')
  })

  it('does nothing when the binary is there', () => {
    expect(chromiumPlan({ path: DEFAULT_CHROMIUM, exists: true, root: false, aptGet: false })).toEqual({
      action: 'ready',
    })
  })

  it('installs Debian’s chromium with apt-get when missing and root', () => {
    expect(chromiumPlan({ path: DEFAULT_CHROMIUM, exists: false, root: true, aptGet: true })).toEqual({
      action: 'install',
      commands: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', 'chromium'],
      ],
    })
  })

  it('stops with one line saying how when not root, or without apt-get', () => {
    const user = chromiumPlan({ path: DEFAULT_CHROMIUM, exists: false, root: false, aptGet: true })
    expect(user.action).toBe('stop')
    const line = user.action === 'stop' ? user.message : ''
    expect(line).not.toContain('\n')
    expect(line).toContain('/usr/bin/chromium is missing')
    expect(line).toContain('sudo apt-get update -qq && sudo apt-get install -y -qq chromium')
    expect(line).toContain('CHROMIUM_PATH')
    const noApt = chromiumPlan({ path: '/x/chromium', exists: false, root: true, aptGet: false })
    expect(noApt).toMatchObject({ action: 'stop', message: expect.stringContaining('package manager') })
    expect(ensureChromium({ facts: { path: MISSING, exists: false, root: false, aptGet: true } })).toMatchObject({
      ok: false,
    })
  })

  it('a dry run reports the install without running it', () => {
    const lines: string[] = []
    const r = ensureChromium({
      facts: { path: MISSING, exists: false, root: true, aptGet: true },
      dryRun: true,
      log: (l) => lines.push(l),
    })
    expect(r).toEqual({
      ok: true,
      path: MISSING,
      wouldRun: INSTALL_COMMANDS.map((c) => c.join(' ')).join(' && '),
    })
    expect(lines).toEqual([])
  })

  it('the script decides from this machine: CHROMIUM_PATH at a missing file, --dry-run', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--dry-run'], {
      env: { ...process.env, CHROMIUM_PATH: MISSING },
      encoding: 'utf8',
    })
    const plan = chromiumPlan(machineFacts(MISSING))
    if (plan.action === 'install') {
      expect(r.stdout.trim()).toBe('would run: apt-get update -qq && apt-get install -y -qq chromium')
      expect(r.status).toBe(0)
    } else {
      expect(plan.action).toBe('stop')
      expect(r.stderr.trim()).toBe(plan.action === 'stop' ? plan.message : '')
      expect(r.status).toBe(1)
    }
  })
})
