/**
 * Test-only switches that plant a known driver bug in the Ready loop, so the deterministic
 * driver simulator (test/groups/sim/driver) can prove it catches one. Never set outside tests:
 * every switch off is the correct driver.
 */
export const groupPlants = {
  /**
   * The Ready outbox releases a Ready's effects (sends, apply, answers) at once, before the
   * storage's writes are durable: the send-before-persist bug (Raft §5, Figure 2).
   */
  sendBeforeDurable: false,
}
