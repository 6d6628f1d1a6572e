/**
 * Test-only switches that plant a known driver bug, so the deterministic driver simulator
 * (test/groups/sim/driver) can prove it catches one. Never set outside tests: every switch
 * off is the correct driver.
 */
export const syncPlants = {
  /**
   * Installs a snapshot offered above the commit the leader announced (a peer's own claim of
   * its position, vouched for by nobody): the snapshot-hijack weakness.
   */
  unvouchedOffers: false,
}
