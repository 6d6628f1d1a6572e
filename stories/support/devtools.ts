/**
 * The stories import the devtools from the production entry so that they also render in
 * the static (production-mode) Storybook build that the browser tests load. An app
 * imports `mosaik-react/devtools`, which renders nothing in production builds.
 */
export * from '../../src/devtools/production.js'
