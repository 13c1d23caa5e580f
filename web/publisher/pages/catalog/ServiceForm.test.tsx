import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { ServiceListPage } from './ServiceListPage';

afterEach(() => vi.unstubAllGlobals());
// jsdom's Blob has no text(); FileReader reads it.
const read = (b: Blob) =>
  new Promise<string>((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.readAsText(b);
  });

const session = () =>
  testSession({ scopes: ['service_catalog:service_view', 'service_catalog:service_write'] });

describe('service registration', () => {
  it('sends the metadata and the definition as the multipart form the catalog takes', async () => {
    const posts: FormData[] = [];
    mockFetch((method, _url, body) => {
      if (method === 'POST') {
        posts.push(body as FormData);
        if (posts.length === 1)
          return {
            status: 400,
            body: {
              code: 400,
              message: 'Bad Request',
              description: "'serviceUrl' must be an absolute http or https URL: no host",
            },
          };
        return { status: 201, body: { id: 's1', name: 'Pets', key: 'Pets-v1', version: 'v1', md5: 'x' } };
      }
      return { body: { count: 0, list: [], pagination: { offset: 0, limit: 25, total: 0 } } };
    });
    renderPage(<ServiceListPage />, { session: session() });
    await userEvent.click(await screen.findByRole('button', { name: 'Register service' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register service' }));
    expect(await within(dialog).findByText("'name' is required")).toBeVisible();
    expect(within(dialog).getByText("'serviceUrl' is required")).toBeVisible();
    expect(within(dialog).getByText("'definitionFile' is required")).toBeVisible();
    expect(posts).toHaveLength(0);

    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Pets');
    await userEvent.type(within(dialog).getByLabelText(/^Service URL/), 'http://pets.example:8080/v1');
    const file = new File(['openapi: 3.0.1\ninfo: {title: Pets, version: "1"}\npaths: {}\n'], 'pets.yaml', {
      type: 'application/yaml',
    });
    expect(within(dialog).getByRole('button', { name: /^Definition file/ })).toBeVisible();
    await userEvent.upload(dialog.querySelector<HTMLInputElement>('input[type=file]')!, file);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register service' }));
    expect(
      await within(dialog).findByText("'serviceUrl' must be an absolute http or https URL: no host"),
    ).toBeVisible();
    await waitFor(() => expect(posts).toHaveLength(1));
    const meta = JSON.parse(await read(posts[0].get('serviceMetadata') as Blob)) as Record<string, unknown>;
    expect(meta).toEqual({
      name: 'Pets',
      version: 'v1',
      serviceUrl: 'http://pets.example:8080/v1',
      definitionType: 'OAS3',
      securityType: 'NONE',
      mutualSSLEnabled: false,
    });
    expect(await read(posts[0].get('definitionFile') as File)).toContain('openapi: 3.0.1');
    expect((posts[0].get('definitionFile') as File).name).toBe('pets.yaml');
  }, 30_000);
});
