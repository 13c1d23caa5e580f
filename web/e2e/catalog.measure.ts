// Measures the Developer Portal's catalog with 500 published APIs: first load to the first cards,
// and a search from the last keystroke to the matching card (`npm run measure:catalog`; results
// go to bench/RESULTS.md). Not a test: it prints numbers and asserts only that the pages work.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { adminCall, launchBrowser, startArchway, type Archway } from './harness';

const COUNT = Number(process.env.CATALOG_APIS ?? 500);
let server: Archway;
let browser: Browser;

beforeAll(async () => {
  server = await startArchway();
  browser = await launchBrowser();
  const pub = '/api/am/publisher/v4';
  const started = Date.now();
  for (let i = 0; i < COUNT; i += 10)
    await Promise.all(
      Array.from({ length: Math.min(10, COUNT - i) }, async (_, k) => {
        const n = i + k;
        const a = await adminCall<{ id: string }>(server, 'POST', `${pub}/apis`, {
          name: `Api${String(n).padStart(4, '0')}`,
          context: `/api${n}`,
          version: '1.0.0',
          description: `Sample API number ${n} for the catalog measurement`,
          tags: [`group${n % 20}`],
          policies: ['Unlimited'],
          endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9' } },
          operations: [{ target: '/items', verb: 'GET' }],
        });
        await adminCall(server, 'POST', `${pub}/apis/change-lifecycle?apiId=${a.id}&action=Publish`);
      }),
    );
  console.log(`seeded ${COUNT} published APIs in ${Date.now() - started} ms`);
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

it(`lists and searches ${COUNT} APIs`, async () => {
  const t0 = Date.now();
  const res = await fetch(`${server.url}/api/am/devportal/v3/apis`);
  const body = (await res.json()) as { count: number };
  const restMs = Date.now() - t0;
  expect(body.count).toBe(COUNT);

  const loads: number[] = [];
  const searches: number[] = [];
  for (let round = 0; round < 5; round++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(`${server.url}/devportal/apis`);
    await page.locator('article').first().waitFor();
    loads.push(Date.now() - start);
    const target = `Api${String(137 + round).padStart(4, '0')}`;
    const box = page.getByRole('textbox', { name: 'Search' });
    await box.click();
    await box.pressSequentially(target.slice(0, -1), { delay: 0 });
    await page.waitForTimeout(600); // the search for all but the last character settles first
    const typed = Date.now();
    await box.press(target.slice(-1));
    await page.waitForFunction(
      (name) => {
        const cards = document.querySelectorAll('article');
        return cards.length === 1 && (cards[0].textContent ?? '').includes(name);
      },
      target,
      { polling: 'raf', timeout: 10_000 },
    );
    searches.push(Date.now() - typed);
    await context.close();
  }
  console.log(
    `REST GET /apis (${COUNT}): ${restMs} ms; first load to first card: median ${median(loads)} ms ` +
      `(${loads.join(', ')}); search, last keystroke to the only matching card (incl. 200 ms debounce): ` +
      `median ${median(searches)} ms (${searches.join(', ')})`,
  );
}, 300_000);
