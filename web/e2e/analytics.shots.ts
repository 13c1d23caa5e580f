// Screenshots of the Admin portal's analytics for docs/analytics.md: `npm run screenshots:analytics`
// starts a real server, sends traffic through its gateway (an application's calls, calls without
// a token, calls to an unknown API), makes one alert rule that fires and one that does not, then
// writes docs/images/admin-analytics-overview.png and docs/images/admin-analytics-alerts.png.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  adminCall,
  launchBrowser,
  publishedApi,
  signInOnKeyManager,
  startArchway,
  startBackend,
  type Archway,
  type Backend,
} from './harness';

const out = join(import.meta.dirname, '..', '..', 'docs', 'images');
const DEV = '/api/am/devportal/v3';
const ALERTS = '/api/am/admin/v4/analytics';

let server: Archway;
let backend: Backend;
let browser: Browser;
let hooks: Server;
let hookUrl = '';

async function gateway(path: string, token?: string): Promise<number> {
  const res = await fetch(`${server.gatewayUrl}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  server = await startArchway(['--set', 'analytics.alert_interval_s=1']);
  backend = await startBackend();
  browser = await launchBrowser();
  hooks = createServer((_req, res) => res.end());
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const addr = hooks.address();
  hookUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;

  const pets = await publishedApi(server, backend, 'PetStore', '/pets');
  const orders = await publishedApi(server, backend, 'Orders', '/orders');
  const apps: string[] = [];
  for (const name of ['MobileApp', 'PartnerPortal']) {
    const app = await adminCall<{ applicationId: string }>(server, 'POST', `${DEV}/applications`, {
      name,
      throttlingPolicy: 'Unlimited',
    });
    for (const apiId of [pets, orders])
      await adminCall(server, 'POST', `${DEV}/subscriptions`, {
        applicationId: app.applicationId,
        apiId,
        throttlingPolicy: 'Unlimited',
      });
    const keys = await adminCall<{ token: { accessToken: string } }>(
      server,
      'POST',
      `${DEV}/applications/${app.applicationId}/generate-keys`,
      { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: 3600 },
    );
    apps.push(keys.token.accessToken);
  }
  const until = Date.now() + 20_000;
  while (
    (await gateway('/pets/1.0.0/items', apps[0])) !== 200 ||
    (await gateway('/orders/1.0.0/items', apps[1])) !== 200
  ) {
    if (Date.now() > until) throw new Error('the gateway did not serve the APIs');
    await new Promise((r) => setTimeout(r, 100));
  }
  await adminCall(server, 'POST', `${ALERTS}/alert-rules`, {
    name: 'Orders failing',
    apiId: orders,
    type: 'errorRate',
    threshold: 0.2,
    windowMinutes: 5,
    webhookUrl: hookUrl,
  });
  await adminCall(server, 'POST', `${ALERTS}/alert-rules`, {
    name: 'PetStore slow',
    apiId: pets,
    type: 'latencyP95',
    threshold: 800,
    windowMinutes: 10,
    webhookUrl: hookUrl,
  });
  for (let i = 0; i < 60; i++) await gateway('/pets/1.0.0/items', apps[i % 2]);
  for (let i = 0; i < 25; i++) await gateway('/orders/1.0.0/items', apps[1]);
  for (let i = 0; i < 12; i++) await gateway('/orders/1.0.0/items');
  for (let i = 0; i < 3; i++) await gateway('/nowhere/1.0.0/x');
  const firingBy = Date.now() + 30_000;
  const firing = async () =>
    (await adminCall<{ list: { state: string }[] }>(server, 'GET', `${ALERTS}/alerts`)).list.some(
      (a) => a.state === 'firing',
    );
  while (!(await firing())) {
    if (Date.now() > firingBy) throw new Error('the alert rule did not fire');
    await new Promise((r) => setTimeout(r, 500));
  }
});
afterAll(async () => {
  await new Promise((r) => (hooks ? hooks.close(r) : r(undefined)));
  await browser?.close();
  await backend?.stop();
  await server?.stop();
});

it('captures the Admin analytics overview and alerts', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/`);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL((u) => u.pathname.startsWith('/admin') && !u.pathname.endsWith('/callback'));
  for (const [path, name] of [
    ['/admin/analytics/overview?range=1h', 'admin-analytics-overview'],
    ['/admin/analytics/alerts', 'admin-analytics-alerts'],
  ]) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState('networkidle');
    await expect.poll(() => page.getByLabel(/^Loading/).count(), { timeout: 15_000 }).toBe(0);
    await page.waitForTimeout(600); // charts finish their entry animation
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  }
  await context.close();
});
