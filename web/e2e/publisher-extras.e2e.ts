// The Publisher's documents, operation policies, mock responses, API products and Service Catalog, in a real browser against a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  adminCall,
  ADMIN_PASSWORD,
  expectAccessible,
  launchBrowser,
  signInOnKeyManager,
  startArchway,
  startBackend,
  type Archway,
  type Backend,
  describePageOnFailure,
  openDialog,
} from './harness';

const PUB = '/api/am/publisher/v4';
let server: Archway;
let backend: Backend;
let browser: Browser;
let page: Page;
describePageOnFailure(() => page);
let apiId: string;

beforeAll(async () => {
  server = await startArchway();
  backend = await startBackend();
  browser = await launchBrowser();
  const created = await adminCall<{ id: string }>(server, 'POST', `${PUB}/apis`, {
    name: 'Orders',
    context: '/orders',
    version: '1.0.0',
    policies: ['Unlimited'],
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backend.url } },
    operations: [
      { target: '/orders', verb: 'GET' },
      { target: '/orders', verb: 'POST' },
    ],
  });
  apiId = created.id;
  page = await browser.newPage();
  await page.goto(`${server.url}/publisher/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL(/\/publisher\/apis/);
});
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await server?.stop();
});

interface ApiJson {
  operations: {
    target: string;
    verb: string;
    operationPolicies?: { request: { policyName: string; parameters: Record<string, string> }[] };
  }[];
}

describe('Publisher documents, policies, products and catalog', () => {
  it('adds a markdown document written in the editor and shows its preview', async () => {
    await page.goto(`${server.url}/publisher/apis/${apiId}/documents`);
    await page.getByRole('button', { name: 'Add document' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a document' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Guide');
    await dialog
      .getByRole('textbox', { name: 'Content (Markdown)', exact: true })
      .fill('# Welcome\n\nList orders with **GET /orders**.');
    // Side by side on a wide screen; the Preview tab on a narrow one.
    const previewTab = dialog.getByRole('tab', { name: 'Preview' });
    if (await previewTab.isVisible()) await previewTab.click();
    const preview = dialog.getByRole('region', { name: 'Preview' });
    await preview.getByRole('heading', { name: 'Welcome' }).waitFor();
    await expectAccessible(page, 'the document editor');
    await dialog.getByRole('button', { name: 'Add document' }).click();
    await page.getByRole('button', { name: 'Guide', exact: true }).waitFor();
    await expectAccessible(page, 'the documents tab');
    const docs = await adminCall<{ list: { documentId: string; sourceType: string }[] }>(
      server,
      'GET',
      `${PUB}/apis/${apiId}/documents`,
    );
    expect(docs.list.map((d) => d.sourceType)).toEqual(['MARKDOWN']);
    const res = await fetch(
      `${server.url}${PUB}/apis/${apiId}/documents/${docs.list[0].documentId}/content`,
      {
        headers: { Authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64') },
      },
    );
    expect(await res.text()).toBe('# Welcome\n\nList orders with **GET /orders**.');
  });

  it('edits a document with its stored text and uploads a file document', async () => {
    await page.getByRole('button', { name: 'Edit Guide' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Guide' });
    const editor = edit.getByRole('textbox', { name: 'Content (Markdown)', exact: true });
    await expect.poll(() => editor.inputValue(), { timeout: 10_000 }).toContain('# Welcome');
    await editor.fill('# Welcome back');
    await edit.getByRole('button', { name: 'Save document' }).click();
    await edit.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Add document' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a document' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Samples');
    await dialog.getByRole('combobox', { name: 'Source' }).click();
    await page.getByRole('option', { name: 'File' }).click();
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: 'samples.txt', mimeType: 'text/plain', buffer: Buffer.from('curl ...') });
    await dialog.getByRole('button', { name: 'Add document' }).click();
    await page.getByRole('button', { name: 'Download Samples' }).waitFor();
    await expectAccessible(page, 'the documents tab with a file');

    const docs = await adminCall<{ list: { documentId: string; name: string; fileName: string | null }[] }>(
      server,
      'GET',
      `${PUB}/apis/${apiId}/documents`,
    );
    expect(docs.list.map((d) => [d.name, d.fileName])).toEqual(
      expect.arrayContaining([
        ['Guide', null],
        ['Samples', 'samples.txt'],
      ]),
    );
    const guide = docs.list.find((d) => d.name === 'Guide');
    const res = await fetch(`${server.url}${PUB}/apis/${apiId}/documents/${guide?.documentId}/content`, {
      headers: { Authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64') },
    });
    expect(await res.text()).toBe('# Welcome back');
  });

  it('adds an operation policy from its parameter form and saves the API', async () => {
    await page.goto(`${server.url}/publisher/apis/${apiId}/policies`);
    await page.getByRole('button', { name: /^GET\s*\/orders/ }).click();
    const dialog = page.getByRole('dialog');
    const picker = dialog.getByRole('combobox', { name: 'Policy' });
    await openDialog(
      page,
      page.getByRole('button', { name: 'Add policy to the request flow of GET /orders' }),
      picker,
    );
    await picker.click();
    await page.getByRole('option', { name: 'Add Header' }).click();
    await dialog.getByRole('textbox', { name: 'Header Name', exact: true }).fill('X-Trace');
    await dialog.getByRole('textbox', { name: 'Header Value', exact: true }).fill('e2e');
    await expectAccessible(page, 'the policy form');
    await dialog.getByRole('button', { name: 'Add policy' }).click();
    await page.getByRole('button', { name: 'Save policies' }).click();
    await expect
      .poll(
        async () =>
          (await adminCall<ApiJson>(server, 'GET', `${PUB}/apis/${apiId}`)).operations[0].operationPolicies
            ?.request ?? [],
        { timeout: 10_000 },
      )
      .toEqual([
        expect.objectContaining({
          policyName: 'addHeader',
          parameters: { headerName: 'X-Trace', headerValue: 'e2e' },
        }),
      ]);
    await expectAccessible(page, 'the policies tab');
  });

  it("creates an API product from the API's operations", async () => {
    await page.goto(`${server.url}/publisher/api-products/create`);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Shop');
    await page.getByRole('textbox', { name: 'Context', exact: true }).fill('/shop');
    await page.getByRole('button', { name: /Orders 1\.0\.0/ }).click();
    await page.getByRole('checkbox', { name: 'GET /orders' }).check();
    await expectAccessible(page, 'the API product form');
    await page.getByRole('button', { name: 'Create API product' }).click();
    await page.waitForURL(/\/publisher\/api-products\/[^/]+$/);
    await page.getByRole('heading', { name: 'Shop' }).waitFor();
    await expectAccessible(page, 'the API product page');
    const products = await adminCall<{ list: { id: string; name: string }[] }>(
      server,
      'GET',
      `${PUB}/api-products`,
    );
    const product = await adminCall<{
      apis: { apiId: string; operations: { target: string; verb: string }[] }[];
    }>(server, 'GET', `${PUB}/api-products/${products.list[0].id}`);
    expect(product.apis.map((a) => [a.apiId, a.operations.map((o) => `${o.verb} ${o.target}`)])).toEqual([
      [apiId, ['GET /orders']],
    ]);
    await page.goto(`${server.url}/publisher/api-products`);
    await page.getByRole('link', { name: 'Shop' }).waitFor();
    await expectAccessible(page, 'the API product list');
  });

  it('registers a service and creates an API from it', async () => {
    await page.goto(`${server.url}/publisher/service-catalog`);
    await page.getByRole('button', { name: 'Register service' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a service' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('PetsBackend');
    await dialog.getByRole('textbox', { name: 'Service URL', exact: true }).fill(`${backend.url}/pets`);
    await dialog.getByText('Paste the definition').click();
    await dialog.getByRole('textbox', { name: 'Definition', exact: true }).fill(
      JSON.stringify({
        openapi: '3.0.1',
        info: { title: 'Pets', version: '1.0.0' },
        paths: { '/pets': { get: { responses: { '200': { description: 'ok' } } } } },
      }),
    );
    await expectAccessible(page, 'the service registration form');
    await dialog.getByRole('button', { name: 'Register service' }).click();
    await page.waitForURL(/\/publisher\/service-catalog\/[^/]+$/);
    await page.getByRole('heading', { name: 'PetsBackend' }).waitFor();
    await expectAccessible(page, 'the service page');
    await page.getByRole('button', { name: 'Create API' }).click();
    const create = page.getByRole('dialog');
    await create.getByRole('button', { name: 'Create API' }).click();
    await page.waitForURL(/\/publisher\/apis\/[^/]+/);
    const newId = /\/apis\/([^/]+)/.exec(page.url())?.[1] ?? '';
    const created = await adminCall<{ name: string; serviceInfo?: { key: string } }>(
      server,
      'GET',
      `${PUB}/apis/${newId}`,
    );
    expect(created.serviceInfo?.key).toBe('PetsBackend-v1');
    await page.goto(`${server.url}/publisher/service-catalog`);
    await page.getByRole('link', { name: 'PetsBackend' }).waitFor();
    await expectAccessible(page, 'the Service Catalog');
  });

  it('calls the gateway from the test console with a token it gets for the signed-in user', async () => {
    const echo = await adminCall<{ id: string }>(server, 'POST', `${PUB}/apis`, {
      name: 'Echo',
      context: '/echo',
      version: '1.0.0',
      policies: ['Unlimited'],
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backend.url } },
      corsConfiguration: {
        corsConfigurationEnabled: true,
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET'],
        accessControlAllowHeaders: ['authorization', 'accept', 'content-type'],
      },
      operations: [{ target: '/items/{id}', verb: 'GET' }],
    });
    await adminCall(server, 'POST', `${PUB}/apis/change-lifecycle?apiId=${echo.id}&action=Publish`);
    const rev = await adminCall<{ id: string }>(server, 'POST', `${PUB}/apis/${echo.id}/revisions`, {
      description: 'e2e',
    });
    await adminCall(server, 'POST', `${PUB}/apis/${echo.id}/deploy-revision?revisionId=${rev.id}`, [
      { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
    ]);
    await page.goto(`${server.url}/publisher/apis/${echo.id}/test`);
    await page.getByRole('button', { name: 'Get a test token' }).click();
    await page.getByText("Token of 'PublisherTestConsole'").waitFor();
    await page.getByRole('textbox', { name: 'Path parameter id', exact: true }).fill('42');
    await page.getByRole('button', { name: 'Send' }).click();
    const response = page.getByRole('region', { name: 'Response' });
    await response.getByText('200').first().waitFor();
    await response.getByText('"path": "/items/42"').waitFor();
    await expectAccessible(page, 'the test console with an answer');
  });

  it('generates the mock responses of an INLINE API, which the gateway then answers with', async () => {
    const mocked = await adminCall<{ id: string }>(server, 'POST', `${PUB}/apis`, {
      name: 'Mocked',
      context: '/mocked',
      version: '1.0.0',
      policies: ['Unlimited'],
      endpointConfig: { endpoint_type: 'INLINE' },
      corsConfiguration: {
        corsConfigurationEnabled: true,
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET'],
        accessControlAllowHeaders: ['authorization', 'accept', 'content-type'],
      },
      operations: [{ target: '/pets/{id}', verb: 'GET' }],
    });
    await page.goto(`${server.url}/publisher/apis/${mocked.id}/endpoints`);
    const table = page.getByRole('table', { name: 'Mock responses' });
    const row = table.getByRole('row').filter({ hasText: 'GET /pets/{id}' });
    await expect.poll(() => row.textContent()).toContain('answers 501 Not Implemented');
    await page.getByRole('button', { name: 'Generate mock scripts' }).click();
    await expect.poll(() => row.textContent()).not.toContain('501');
    const stored = await adminCall<{ count: number; list: { path: string; verb: string }[] }>(
      server,
      'GET',
      `${PUB}/apis/${mocked.id}/generated-mock-scripts`,
    );
    expect(stored.list).toEqual([expect.objectContaining({ path: '/pets/{id}', verb: 'GET' })]);
    const status = (await row.getByRole('cell').nth(1).textContent()) ?? '';
    expect(status).toMatch(/^\d{3}/);
    // The pointer leaves the button: a hovered light button has too little contrast (4.12).
    await page.getByRole('heading', { name: 'Mocked' }).first().hover();
    await expectAccessible(page, 'the mock responses of an INLINE API');

    // Deployed, the gateway answers with the mock: no backend is called.
    await adminCall(server, 'POST', `${PUB}/apis/change-lifecycle?apiId=${mocked.id}&action=Publish`);
    const rev = await adminCall<{ id: string }>(server, 'POST', `${PUB}/apis/${mocked.id}/revisions`, {
      description: 'e2e mocks',
    });
    await adminCall(server, 'POST', `${PUB}/apis/${mocked.id}/deploy-revision?revisionId=${rev.id}`, [
      { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
    ]);
    await page.goto(`${server.url}/publisher/apis/${mocked.id}/test`);
    await page.getByRole('button', { name: 'Get a test token' }).click();
    await page.getByText("Token of 'PublisherTestConsole'").waitFor();
    await page.getByRole('textbox', { name: 'Path parameter id', exact: true }).fill('7');
    await page.getByRole('button', { name: 'Send' }).click();
    const response = page.getByRole('region', { name: 'Response' });
    await expect
      .poll(() => response.textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`^\\D*${status.slice(0, 3)}`));
    expect(await response.textContent()).not.toContain('Not Implemented');
  });

  it("publishes and deploys the API product from its tabs, and its pages fit a phone's width", async () => {
    const products = await adminCall<{ list: { id: string }[] }>(server, 'GET', `${PUB}/api-products`);
    const productId = products.list[0].id;
    await page.goto(`${server.url}/publisher/api-products/${productId}/documents`);
    await page.getByRole('button', { name: 'Add document' }).waitFor();
    await expectAccessible(page, "the API product's documents");
    await page.getByRole('tab', { name: 'Lifecycle' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('PUBLISHED', { exact: true }).first().waitFor();
    await expectAccessible(page, "the API product's lifecycle");
    await page.getByRole('tab', { name: 'Revisions & deployments' }).click();
    await page.getByRole('button', { name: 'Create revision' }).click();
    await page.getByRole('button', { name: 'Deploy Revision 1' }).click();
    await page.getByRole('button', { name: 'Undeploy' }).waitFor();
    await expectAccessible(page, "the API product's revisions");
    const deployments = await adminCall<{ list: { name: string }[] }>(
      server,
      'GET',
      `${PUB}/api-products/${productId}/deployments`,
    );
    expect(deployments.list.map((d) => d.name)).toEqual(['Default']);

    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [
      '/publisher/api-products/create',
      `/publisher/apis/${apiId}/policies`,
      '/publisher/service-catalog',
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('main').getByRole('heading').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
    }
    await expectAccessible(page, 'the Service Catalog on a phone');
    await page.setViewportSize({ width: 1280, height: 720 });
  });
});
