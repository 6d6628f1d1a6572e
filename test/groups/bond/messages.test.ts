import { describe, expect, it } from 'vitest'
import { describeBondMessage, parseBondMessage } from '../../../src/groups/bond/messages.js'

describe('bond frames', () => {
  it('accepts a preference change and describes it on one line', () => {
    const m = parseBondMessage({ type: 'preference', preference: 'normal' }, 'peer-b', 'peer-a')
    expect(m).toEqual({ type: 'preference', preference: 'normal' })
    expect(describeBondMessage(m as NonNullable<typeof m>)).toBe('Preference[normal]')
  })

  it('refuses a preference frame with an unknown preference', () => {
    expect(parseBondMessage({ type: 'preference', preference: 'boss' }, 'peer-b', 'peer-a')).toBeUndefined()
    expect(parseBondMessage({ type: 'preference' }, 'peer-b', 'peer-a')).toBeUndefined()
  })
})
