// The Developer Portal end to end (issue #13, scenario 2): a developer signs up, signs in, creates an
// application, subscribes it to a published API, generates keys and a token, and calls the API from
// the definition's "Try it out" through the gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  expectAccessible,
  launchBrowser,
  publishedApi,
  signInOnKeyManager,
  startArchway,
  startBackend,
  type Archway,
  type Backend,
} from './harness';

let server: Archway;
let backend: Backend;
let browser: Browser;
let apiId: string;

beforeAll(async () => {
  server = await startArchway();
  backend = await startBackend();
  browser = await launchBrowser();
  apiId = await publishedApi(server, backend, 'PetStore', '/petstore');
});
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await server?.stop();
});

/** Picks `option` in the Mantine Select labelled `label`. */
async function choose(page: Page, label: RegExp, option: string) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const USER = 'dev.e2e';
const PASSWORD = 'e2e-dev-password';

describe('Developer Portal', () => {
  it('takes a new developer from sign-up to a successful call in try-it', async () => {
    // The portal's CSP refuses inline scripts; axe-core is injected as one.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));

    // Sign up through the portal, then sign in on the Key Manager's page.
    await page.goto(`${server.url}/devportal/sign-up`);
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await expectAccessible(page, 'the sign-up page');
    await page.getByLabel('Username').fill(USER);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: `Welcome, ${USER}` }).waitFor();
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, USER, PASSWORD);
    await page.waitForURL(/\/devportal\/applications/);

    // Create an application.
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await expectAccessible(page, 'the applications page');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('E2E app');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name: 'E2E app' }).waitFor();

    // Find the API in the catalog and subscribe at Gold.
    await page.getByRole('link', { name: 'APIs' }).click();
    await page.mouse.move(0, 0); // axe checks the links at rest, not hovered
    await page.getByRole('link', { name: 'PetStore' }).waitFor();
    await expectAccessible(page, 'the catalog');
    await page.getByRole('link', { name: 'PetStore' }).click();
    await page.waitForURL(new RegExp(`/devportal/apis/${apiId}`));
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.getByText('/petstore', { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page, 'the API page');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await choose(page, /^Application/, 'E2E app');
    await choose(page, /^Tier/, 'Gold');
    await page.getByRole('dialog').getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('E2E app is subscribed to PetStore (Gold)').waitFor();

    // Production keys: the secret is shown once.
    await page.goto(`${server.url}/devportal/applications`);
    await page.getByRole('link', { name: 'E2E app' }).click();
    await page.getByRole('tab', { name: 'Production keys' }).click();
    await page.getByRole('button', { name: 'Generate keys' }).click();
    const shown = page.getByRole('dialog', { name: 'Production keys' });
    await shown.waitFor();
    const codes = shown.locator('code, pre');
    const consumerKey = (await codes.nth(0).textContent()) ?? '';
    const consumerSecret = (await codes.nth(1).textContent()) ?? '';
    expect(consumerKey).toMatch(/\S{8,}/);
    expect(consumerSecret).toMatch(/\S{8,}/);
    expect(await codes.nth(2).textContent()).toBe(
      `curl -u ${consumerKey}:${consumerSecret} -d grant_type=client_credentials ${server.url}/oauth2/token`,
    );
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('heading', { name: 'OAuth client' }).waitFor();
    await expectAccessible(page, 'the production keys page');

    // The curl line works: the Key Manager gives a token for the key and secret.
    const tokenRes = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic ' + Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(tokenRes.status).toBe(200);

    // Try it: a test token for the subscribed application, then "Try it out" -> "Execute".
    await page.goto(`${server.url}/devportal/apis/${apiId}/definition`);
    await page.getByLabel('Consumer secret').fill(consumerSecret);
    await page.getByRole('button', { name: 'Get test token' }).click();
    await expect
      .poll(() => page.getByLabel(/Access token sent by/).inputValue(), { timeout: 10_000 })
      .not.toBe('');
    await expectAccessible(page, 'the API definition with try-it');
    const op = page.locator('.opblock-get').first();
    await op.locator('.opblock-summary').first().click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    const live = op.locator('.live-responses-table');
    await live.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => live.locator('tbody .response-col_status').first().textContent(), { timeout: 15_000 })
      .toContain('200');
    expect(await live.locator('tbody .response-col_description').first().textContent()).toContain(
      '"backend": "e2e"',
    );

    // The catalog fits a 390 px wide screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/devportal/apis`);
    await page.getByRole('article').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'the catalog on a narrow screen');
    await context.close();
  });
});
