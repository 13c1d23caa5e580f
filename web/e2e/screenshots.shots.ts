// Screenshots of the portals' main pages in light and dark themes for the docs:
// `npm run screenshots` writes docs/screenshots/<portal>-<page>-<theme>.png from a seeded server.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

const out = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
let server: Archway;
let backend: Backend;
let browser: Browser;
let petsId = '';

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  server = await startArchway();
  backend = await startBackend();
  browser = await launchBrowser();
  const pub = '/api/am/publisher/v4';
  await adminCall(server, 'POST', '/api/am/admin/v4/api-categories', {
    name: 'Retail',
    description: 'Shops and orders',
  });
  petsId = await publishedApi(server, backend, 'PetStore', '/pets');
  await adminCall(server, 'PUT', `${pub}/apis/${petsId}`, {
    ...(await adminCall<Record<string, unknown>>(server, 'GET', `${pub}/apis/${petsId}`)),
    description: 'Pets, their owners and their appointments.',
    tags: ['pets', 'demo'],
    categories: ['Retail'],
  });
  for (const [name, context] of [
    ['Orders', '/orders'],
    ['Inventory', '/inventory'],
    ['Payments', '/payments'],
    ['Weather', '/weather'],
  ])
    await publishedApi(server, backend, name, context);
  await adminCall(server, 'POST', `${pub}/apis`, {
    name: 'Shipping',
    context: '/shipping',
    version: '2.0.0',
    description: 'Draft of the shipping API',
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backend.url } },
    operations: [
      { target: '/parcels', verb: 'GET' },
      { target: '/parcels', verb: 'POST' },
    ],
  });
  const app = await adminCall<{ applicationId: string }>(
    server,
    'POST',
    '/api/am/devportal/v3/applications',
    {
      name: 'MobileApp',
      throttlingPolicy: '10PerMin',
      description: 'The iOS and Android app',
    },
  );
  await adminCall(server, 'POST', '/api/am/devportal/v3/subscriptions', {
    applicationId: app.applicationId,
    apiId: petsId,
    throttlingPolicy: 'Gold',
  });
});
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await server?.stop();
});

async function signedIn(portal: string, theme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: theme });
  const page = await context.newPage();
  await page.goto(`${server.url}/${portal}/`);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL((u) => u.pathname.startsWith(`/${portal}`) && !u.pathname.endsWith('/callback'));
  return page;
}

async function shoot(page: Page, path: string, name: string, theme: string) {
  await page.goto(`${server.url}${path}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(out, `${name}-${theme}.png`) });
}

for (const theme of ['light', 'dark'] as const) {
  it(`captures the Publisher (${theme})`, async () => {
    const page = await signedIn('publisher', theme);
    await shoot(page, '/publisher/apis', 'publisher-apis', theme);
    await shoot(page, `/publisher/apis/${petsId}/overview`, 'publisher-api-overview', theme);
    await shoot(page, `/publisher/apis/${petsId}/resources`, 'publisher-api-resources', theme);
    await shoot(page, `/publisher/apis/${petsId}/lifecycle`, 'publisher-api-lifecycle', theme);
    await page.context().close();
  });

  it(`captures the Developer Portal (${theme})`, async () => {
    const page = await signedIn('devportal', theme);
    await shoot(page, '/devportal/apis', 'devportal-catalog', theme);
    await shoot(page, `/devportal/apis/${petsId}`, 'devportal-api', theme);
    await shoot(page, '/devportal/applications', 'devportal-applications', theme);
    await page.context().close();
  });

  it(`captures the Admin portal (${theme})`, async () => {
    const page = await signedIn('admin', theme);
    await shoot(page, '/admin/', 'admin-home', theme);
    await shoot(page, '/admin/throttling/advanced', 'admin-advanced-policies', theme);
    await shoot(page, '/admin/users', 'admin-users', theme);
    await page.context().close();
  });
}
