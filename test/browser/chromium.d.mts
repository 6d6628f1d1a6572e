/** Types for chromium.mjs (the browser suite's set-up, imported by its unit test). */
export declare const DEFAULT_CHROMIUM: string
export declare const INSTALL_COMMANDS: string[][]
export interface ChromiumFacts {
  path: string
  exists: boolean
  root: boolean
  aptGet: boolean
}
export type ChromiumPlan =
  | { action: 'ready' }
  | { action: 'install'; commands: string[][] }
  | { action: 'stop'; message: string }
export declare function chromiumPath(env?: Record<string, string | undefined>): string
export declare function chromiumPlan(facts: ChromiumFacts): ChromiumPlan
export declare function machineFacts(path?: string): ChromiumFacts
export declare function ensureChromium(options?: {
  facts?: ChromiumFacts
  dryRun?: boolean
  log?: (line: string) => void
}): { ok: true; path: string; wouldRun?: string } | { ok: false; message: string }
