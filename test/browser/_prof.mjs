import { launchBrowser, openStory, readCards, serveStatic, until } from './harness.mjs'

const server = await serveStatic()
const browser = await launchBrowser()
for (const open of [true, false, true]) {
  const page = await openStory(browser.context, server.url, 'cells-shared-cell--shared-cell', {
    writers: 1,
    readers: 1,
    writesPerSecond: 50,
    inlineViews: false,
    devtools: open,
  })
  await until(
    page,
    'online',
    async () => {
      const c = await readCards(page)
      return c.length === 2 && c.every((x) => x.status === 'online')
    },
    20000,
  )
  if (open && !(await page.getByTestId('mosaik-devtools-panel').count()))
    await page.getByTestId('mosaik-devtools-toggle').click()
  const cdp = await browser.context.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  await new Promise((r) => setTimeout(r, 4000))
  const { profile } = await cdp.send('Profiler.stop')
  const dt = {}
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const counts = {}
  for (const s of profile.samples) counts[s] = (counts[s] ?? 0) + 1
  let total = 0
  for (const [id, c] of Object.entries(counts)) {
    const n = byId.get(Number(id))
    const f = n.callFrame
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`
    dt[key] = (dt[key] ?? 0) + c
    total += c
  }
  const top = Object.entries(dt)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
  console.log('open', open, 'samples', total)
  for (const [k, v] of top) console.log('  ', ((v / total) * 100).toFixed(1) + '%', k)
  await page.close()
}
await browser.close()
await server.close()
