import { defineConfig } from 'vitest/config'

// Waits inside tests are bounded by test/helpers/bounds.ts (quiet-machine bound × 4); the
// per-test limit sits above them so that a slow but progressing test on a loaded machine
// fails on the wait that names what it waited for, not on this catch-all.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/browser/**', 'node_modules/**'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // vitest's default on 2 cores is one file at a time; most files wait on timers and sockets,
    // so two at once halve the suite and still pass with both cores busy elsewhere.
    maxWorkers: 2,
    // Drops happy-dom's refusal of libp2p events that fire after a file's teardown (see there).
    setupFiles: ['test/helpers/late-events.ts'],
  },
})
