// The scenario 1 in the Publisher: sign in, import an OpenAPI 3 file, offer the Gold tier,
// open one operation to callers without a token, publish, create a revision and deploy it; the
// gateway then serves the API. Every page visited passes the accessibility check, and the API list
// fits a 390 px wide screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  expectAccessible,
  launchBrowser,
  signInOnKeyManager,
  startArchway,
  startBackend,
  type Archway,
  type Backend,
} from './harness';

let server: Archway;
let backend: Backend;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  [server, backend, browser] = await Promise.all([startArchway(), startBackend(), launchBrowser()]);
  dir = mkdtempSync(join(tmpdir(), 'publisher-e2e-'));
});
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function petstore(backendUrl: string) {
  return {
    openapi: '3.0.3',
    info: { title: 'E2E Pets', version: '1.0.0', description: 'Pets for the browser test' },
    servers: [{ url: backendUrl }],
    paths: {
      '/pets': { get: { operationId: 'listPets', responses: { '200': { description: 'The pets' } } } },
      '/pets/{petId}': {
        get: {
          operationId: 'getPet',
          parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'A pet' } },
        },
      },
    },
  };
}

async function openTab(page: Page, name: string, path: string) {
  await page.getByRole('tab', { name }).click();
  await page.waitForURL(new RegExp(`/publisher/apis/[^/]+/${path}$`));
}

async function notice(page: Page, text: string) {
  await expect.poll(() => page.getByText(text).first().isVisible(), { timeout: 15_000 }).toBe(true);
}

describe('Publisher API pages', () => {
  it(
    'imports, offers a tier, publishes, deploys, and the gateway serves the API',
    { timeout: 180_000 },
    async () => {
      // The portals' Content-Security-Policy forbids inline scripts, axe-core's injection among them.
      const page = await browser.newPage({ bypassCSP: true });
      await page.goto(`${server.url}/publisher/`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
      await page.waitForURL(/\/publisher\/apis/);
      await expect.poll(() => page.getByText(/No APIs yet/).isVisible()).toBe(true);
      await expectAccessible(page, 'the API list');

      await page.getByRole('button', { name: 'Create API' }).click();
      await page.getByRole('menuitem', { name: 'Import an OpenAPI definition' }).click();
      await page.waitForURL(/\/publisher\/apis\/create\/openapi$/);
      await expectAccessible(page, 'the import page');

      const file = join(dir, 'petstore.json');
      writeFileSync(file, JSON.stringify(petstore(backend.url)));
      await page.locator('input[type=file]').setInputFiles(file);
      await notice(page, 'The definition is valid');
      await expect.poll(() => page.getByLabel(/^Name/).inputValue()).toBe('E2E Pets');
      await page.getByLabel(/^Context/).fill('/e2epets');
      await expectAccessible(page, 'the import page with the checked definition');
      await page.getByRole('button', { name: 'Import' }).click();
      await page.waitForURL(/\/publisher\/apis\/[0-9a-f-]+$/);
      await expect.poll(() => page.getByRole('heading', { name: 'E2E Pets' }).isVisible()).toBe(true);
      await expectAccessible(page, 'the API overview');

      await openTab(page, 'Subscription tiers', 'tiers');
      await page.getByRole('checkbox', { name: 'Gold' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      await notice(page, 'Subscription tiers saved');
      await expectAccessible(page, 'the subscription tiers tab');

      await openTab(page, 'Resources', 'resources');
      await page.getByRole('switch', { name: 'Security of GET /pets', exact: true }).click({ force: true });
      await page.getByRole('button', { name: 'Save' }).click();
      await notice(page, 'Resources saved');
      await expectAccessible(page, 'the resources tab');

      for (const [name, path] of [
        ['Endpoints', 'endpoints'],
        ['Runtime', 'runtime'],
        ['Business information', 'business'],
        ['Thumbnail', 'thumbnail'],
      ]) {
        await openTab(page, name, path);
        await expectAccessible(page, `the ${name} tab`);
      }

      await openTab(page, 'Lifecycle', 'lifecycle');
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await notice(page, 'E2E Pets is now PUBLISHED');
      await expect.poll(() => page.getByText('CREATED → PUBLISHED').isVisible()).toBe(true);
      await expectAccessible(page, 'the lifecycle tab');

      await openTab(page, 'Revisions & deployments', 'revisions');
      await page.getByLabel('New revision').fill('first release');
      await page.getByRole('button', { name: 'Create revision' }).click();
      await notice(page, 'Revision 1 created');
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Deploy Revision 1' });
      await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
      await notice(page, 'Revision 1 deployed to Default');
      await expectAccessible(page, 'the revisions tab');
      // The revision as frozen (GET /apis/{revisionId}) against the working copy: nothing changed since.
      await page.getByRole('button', { name: 'Show changes' }).click();
      await expect.poll(() => page.getByText('No differences.').isVisible(), { timeout: 15_000 }).toBe(true);

      // The gateway serves the deployed revision: the open operation reaches the backend, the secured
      // one asks for a token.
      await expect
        .poll(async () => (await fetch(`${server.gatewayUrl}/e2epets/1.0.0/pets`)).status, {
          timeout: 15_000,
        })
        .toBe(200);
      const open = (await (await fetch(`${server.gatewayUrl}/e2epets/1.0.0/pets`)).json()) as {
        backend: string;
        path: string;
      };
      expect(open).toMatchObject({ backend: 'e2e', path: '/pets' });
      const secured = await fetch(`${server.gatewayUrl}/e2epets/1.0.0/pets/7`);
      expect(secured.status).toBe(401);
      expect(await secured.text()).toContain('900902');

      // The list shows the published API, and fits a phone's width.
      await page.getByRole('link', { name: 'APIs' }).first().click();
      await page.waitForURL(/\/publisher\/apis$/);
      await expect.poll(() => page.getByText('PUBLISHED').first().isVisible()).toBe(true);
      await page.setViewportSize({ width: 390, height: 844 });
      await expect
        .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
        .toBeLessThanOrEqual(390);
      await expectAccessible(page, 'the API list at 390 px');
      await page.close();
    },
  );
});
