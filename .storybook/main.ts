import type { StorybookConfig } from '@storybook/react-vite'

/**
 * Storybook for mosaik-react: stories run real networks in the page (memory transport),
 * and "Across tabs" joins peers in other tabs over WebRTC through the local relay that
 * `npm start` runs. Telemetry is off (also via STORYBOOK_DISABLE_TELEMETRY in scripts).
 */
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: false },
  // The stories run live networks that touch the DOM many times a second; the DOM-watching
  // toolbar addons (measure, outline, highlight …) would add their own cost to every change.
  features: {
    actions: false,
    backgrounds: false,
    highlight: false,
    interactions: false,
    measure: false,
    outline: false,
    viewport: false,
  },
  async viteFinal(config) {
    const alias = config.resolve?.alias
    const aliases = Array.isArray(alias)
      ? alias
      : Object.entries(alias ?? {}).map(([find, replacement]) => ({ find, replacement: String(replacement) }))
    return {
      ...config,
      define: { ...config.define, 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'development') },
      server: { ...config.server, host: '127.0.0.1' },
      resolve: {
        ...config.resolve,
        // React's profiling build, so the stories' <Profiler> can measure what the devtools
        // cost to render even in the static (production) build the browser tests load.
        alias: [...aliases, { find: /^react-dom\/client$/, replacement: 'react-dom/profiling' }],
      },
    }
  },
}

export default config
