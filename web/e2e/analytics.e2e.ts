// The analytics dashboards against a real server: traffic through the gateway (an application's
// token, calls without one), then the Admin overview shows the counts, drills down to the API and
// shows its errors by category in both themes; the Publisher's API Analytics tab and the Developer
// Portal's application Usage tab show the same calls. An alert rule made on the Admin's Alerts tab
// fires on failing calls (the server evaluates rules every second here), posts its webhook and is
// listed as firing. Every dashboard passes the accessibility check.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  adminCall,
  describePageOnFailure,
  expectAccessible,
  launchBrowser,
  openDialog,
  publishedApi,
  signInOnKeyManager,
  startArchway,
  startBackend,
  type Archway,
  type Backend,
} from './harness';

const DEV = '/api/am/devportal/v3';
const USER = { username: 'e2edash', password: 'e2e-dash-password' };
const API = 'Analytics Pets';

let server: Archway;
let backend: Backend;
let browser: Browser;
let context: BrowserContext;
let page: Page;
describePageOnFailure(() => page);
let apiId: string;
let applicationId: string;
/** Receives the alert webhooks: each POST's JSON body. */
let hooks: Server;
let hookUrl: string;
const hookBodies: { event: string; rule: { name: string } }[] = [];
/** The status of every call sent to the gateway, in order: what the dashboards must count. */
const statuses: { status: number; withToken: boolean }[] = [];

/** A REST call as the developer, with HTTP Basic. */
async function devCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      Authorization: 'Basic ' + Buffer.from(`${USER.username}:${USER.password}`).toString('base64'),
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function callGateway(token?: string): Promise<number> {
  const res = await fetch(`${server.gatewayUrl}/apets/1.0.0/items`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  await res.arrayBuffer();
  statuses.push({ status: res.status, withToken: !!token });
  return res.status;
}

const count = (pred: (s: { status: number; withToken: boolean }) => boolean) => statuses.filter(pred).length;
/** What a tile of the summary shows, e.g. "Calls". */
const tile = (p: Page, name: string) => p.getByRole('group', { name, exact: true });
const numberIn = async (l: Locator) => Number(((await l.textContent()) ?? '').replace(/[^\d]/g, ''));

beforeAll(async () => {
  server = await startArchway(['--set', 'analytics.alert_interval_s=1']);
  backend = await startBackend();
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        hookBodies.push(JSON.parse(body) as (typeof hookBodies)[number]);
      } catch {
        /* not JSON: not ours */
      }
      res.end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hookAddr = hooks.address();
  hookUrl = `http://127.0.0.1:${typeof hookAddr === 'object' && hookAddr ? hookAddr.port : 0}/alerts`;
  browser = await launchBrowser();
  context = await browser.newContext({ bypassCSP: true }); // axe-core is injected as an inline script
  page = await context.newPage();

  apiId = await publishedApi(server, backend, API, '/apets');
  await adminCall(server, 'POST', '/api/am/admin/v4/users', { ...USER, roles: ['subscriber'] });
  const app = await devCall<{ applicationId: string }>('POST', `${DEV}/applications`, {
    name: 'Dash app',
    throttlingPolicy: 'Unlimited',
  });
  applicationId = app.applicationId;
  const keys = await devCall<{ token: { accessToken: string } }>(
    'POST',
    `${DEV}/applications/${applicationId}/generate-keys`,
    { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: 3600 },
  );
  await devCall('POST', `${DEV}/subscriptions`, { applicationId, apiId, throttlingPolicy: 'Unlimited' });

  // Traffic: the application's calls once the gateway knows the subscription, then calls without a token.
  const token = keys.token.accessToken;
  const until = Date.now() + 20_000;
  while ((await callGateway(token)) !== 200) {
    if (Date.now() > until) throw new Error(`the gateway did not serve ${API}: ${JSON.stringify(statuses)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 4; i++) expect(await callGateway(token)).toBe(200);
  for (let i = 0; i < 3; i++) expect(await callGateway()).toBe(401);
});
afterAll(async () => {
  await new Promise((r) => (hooks ? hooks.close(r) : r(undefined)));
  await browser?.close();
  await backend?.stop();
  await server?.stop();
});

describe('analytics dashboards', () => {
  it('the REST API counts every call sent through the gateway', async () => {
    // The pipeline may store events a little later: wait until the summary counts them all.
    await expect
      .poll(
        async () =>
          (
            await adminCall<{ count: number; errors: number }>(
              server,
              'GET',
              '/api/am/admin/v4/analytics/summary',
            )
          ).count,
        { timeout: 30_000, interval: 250 },
      )
      .toBe(statuses.length);
    const summary = await adminCall<{ count: number; errors: number }>(
      server,
      'GET',
      '/api/am/admin/v4/analytics/summary',
    );
    expect(summary.errors).toBe(count((s) => s.status >= 400));
  });

  it('the Admin overview shows the calls, errors, top API and top application', async () => {
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL(/\/admin\/?$/);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Analytics' })
      .click();
    await page.waitForURL(/\/admin\/analytics\/overview/);
    await page.getByRole('heading', { name: 'Analytics', exact: true }).waitFor();

    const errors = count((s) => s.status >= 400);
    await expect
      .poll(() => numberIn(tile(page, 'Calls').locator('p').nth(1)), { timeout: 15_000 })
      .toBe(statuses.length);
    expect(await numberIn(tile(page, 'Errors').locator('p').nth(1))).toBe(errors);
    const apis = page.getByRole('table', { name: 'Top APIs' });
    await expect.poll(() => apis.getByRole('row').nth(1).textContent()).toContain(`${API} 1.0.0`);
    const apps = page.getByRole('table', { name: 'Top applications' });
    await expect.poll(() => apps.getByRole('row').nth(1).textContent()).toContain('Dash app');
    // The traffic chart is drawn (SVG) and its numbers are written beside it.
    await page
      .getByRole('img', { name: /^Traffic: calls/ })
      .locator('svg')
      .first()
      .waitFor();
    await page.getByText(new RegExp(`^Calls: ${statuses.length} in total`)).waitFor();
    await expect.poll(() => page.getByLabel(/^Loading/).count()).toBe(0);
    await expectAccessible(page, 'the analytics overview');
    // It fits a 390 px wide phone (the time range becomes a select there).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('combobox', { name: 'Time range' }).waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('choosing the API filters the dashboard; its errors show by category in both themes', async () => {
    await page.getByRole('button', { name: `Show only ${API} 1.0.0` }).click();
    await page.waitForURL(new RegExp(`apiId=${apiId}`));
    await page.getByText(`API: ${API} 1.0.0`).waitFor();
    // Calls the gateway could not route to an API (before the deployment reached it) are not the API's.
    const ofApi = count((s) => s.status !== 404);
    await expect
      .poll(() => numberIn(tile(page, 'Calls').locator('p').nth(1)), { timeout: 15_000 })
      .toBe(ofApi);

    await page.getByRole('tab', { name: 'Errors' }).click();
    await page.waitForURL(new RegExp(`/admin/analytics/errors\\?.*apiId=${apiId}`));
    const byCategory = page.getByRole('table', { name: 'Errors by category' });
    const auth = count((s) => s.status === 401 || s.status === 403);
    await expect
      .poll(() => byCategory.getByRole('row', { name: /^Authentication/ }).textContent(), { timeout: 15_000 })
      .toBe(`Authentication${auth}`);
    await expect.poll(() => page.getByLabel(/^Loading/).count()).toBe(0);
    await expectAccessible(page, 'the analytics errors');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    await expectAccessible(page, 'the analytics errors in the dark theme');

    await page.getByRole('button', { name: `Clear the filter API: ${API} 1.0.0` }).click();
    await expect.poll(() => page.url()).not.toContain('apiId=');
  });

  it('an alert rule made on the Alerts tab fires on failing calls and is listed as firing', async () => {
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await page.getByRole('tab', { name: 'Alerts' }).click();
    await page.waitForURL(/\/admin\/analytics\/alerts/);
    await page.getByText('No alert rules yet.').waitFor();
    await openDialog(
      page,
      page.getByRole('button', { name: 'Create alert rule' }),
      page.getByRole('dialog', { name: 'Create alert rule' }),
    );
    const dialog = page.getByRole('dialog', { name: 'Create alert rule' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Pets failing');
    await dialog.getByRole('combobox', { name: 'API' }).click();
    await page.getByRole('option', { name: `${API} 1.0.0` }).click();
    await dialog.getByRole('textbox', { name: 'Threshold' }).fill('0.2');
    await dialog.getByRole('textbox', { name: 'Window (minutes)' }).fill('1');
    await dialog.getByRole('textbox', { name: 'Webhook URL' }).fill(hookUrl);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const rules = page.getByRole('table', { name: 'Alert rules' });
    await expect.poll(() => rules.getByRole('row').nth(1).textContent()).toContain('Pets failing');
    expect(await rules.getByRole('row').nth(1).textContent()).toContain(`${API} 1.0.0`);

    // Calls without a token: the API's error rate in the last minute goes over 20%.
    for (let i = 0; i < 6; i++) expect(await callGateway()).toBe(401);
    const firing = page.getByRole('table', { name: 'Firing alerts' });
    await expect
      .poll(
        async () => {
          if (!(await firing.isVisible())) await page.reload();
          return (await firing.isVisible()) ? firing.getByRole('row').nth(1).textContent() : '';
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toContain('Pets failing');
    const row = await firing.getByRole('row').nth(1).textContent();
    expect(row).toContain(`${API} 1.0.0`);
    expect(row).toMatch(/Error rate above 20%/);
    await expect
      .poll(() => hookBodies.some((b) => b.event === 'firing' && b.rule.name === 'Pets failing'), {
        timeout: 15_000,
      })
      .toBe(true);
    await expect.poll(() => page.getByLabel(/^Loading/).count()).toBe(0);
    await expectAccessible(page, 'the analytics alerts');
  });

  it("the Publisher's API Analytics tab shows the API's calls", async () => {
    const pub = await (await browser.newContext({ bypassCSP: true })).newPage();
    page = pub;
    await pub.goto(`${server.url}/publisher/apis/${apiId}/analytics`);
    await pub.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(pub, 'admin', ADMIN_PASSWORD);
    await pub.waitForURL(new RegExp(`/publisher/apis/${apiId}/analytics`));
    await expect
      .poll(() => numberIn(tile(pub, 'Calls').locator('p').nth(1)), { timeout: 15_000 })
      .toBe(count((s) => s.status !== 404));
    await expect
      .poll(() => pub.getByRole('table', { name: 'Top applications' }).getByRole('row').nth(1).textContent())
      .toContain('Dash app');
    await expect.poll(() => pub.getByLabel(/^Loading/).count()).toBe(0);
    await expectAccessible(pub, "the API's analytics tab");
  });

  it("the Developer Portal's Usage tab shows the application's calls per API", async () => {
    const dev = await (await browser.newContext({ bypassCSP: true })).newPage();
    page = dev;
    await dev.goto(`${server.url}/devportal/applications/${applicationId}/usage`);
    await dev.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(dev, USER.username, USER.password);
    await dev.waitForURL(new RegExp(`/devportal/applications/${applicationId}/usage`));
    const perApi = dev.getByRole('table', { name: 'Calls per API' });
    await expect
      .poll(() => perApi.getByRole('row').nth(1).textContent(), { timeout: 15_000 })
      .toContain(`${API} 1.0.0`);
    // At least the five answered calls; earlier ones the gateway refused may count for the application too.
    expect(await numberIn(tile(dev, 'Calls').locator('p').nth(1))).toBeGreaterThanOrEqual(
      count((s) => s.status === 200),
    );
    await expect.poll(() => dev.getByLabel(/^Loading/).count()).toBe(0);
    await expectAccessible(dev, "the application's usage tab");
  });
});
