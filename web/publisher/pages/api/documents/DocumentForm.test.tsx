import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { DocumentsPanel } from './DocumentsPanel';
import { validateDocument, type DocumentFormValues } from './DocumentForm';

afterEach(() => vi.unstubAllGlobals());
const base = '/api/am/publisher/v4/apis/a1';
const session = () => testSession({ scopes: ['apim:api_view', 'apim:api_create'] });

describe('documents', () => {
  it('checks the fields as the server does before sending anything', async () => {
    const fetchMock = mockFetch(() => ({ body: { count: 0, list: [] } }));
    renderPage(<DocumentsPanel base={base} />, { session: session() });
    await userEvent.click(await screen.findByRole('button', { name: 'Add document' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add document' }));
    expect(await screen.findByText("'name' is required")).toBeVisible();
    await userEvent.type(screen.getByLabelText(/^Name/), 'a/b');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add document' }));
    expect(await screen.findByText("'name' must not contain slashes or control characters")).toBeVisible();
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(0);
  }, 20_000);

  it('asks for what each type and source needs', () => {
    const base: DocumentFormValues = {
      name: 'Guide',
      type: 'OTHER',
      otherTypeName: '',
      summary: '',
      sourceType: 'URL',
      sourceUrl: 'ftp://x',
      visibility: 'API_LEVEL',
      content: '',
      file: null,
    };
    expect(validateDocument(base)).toEqual({
      otherTypeName: "'otherTypeName' is required when 'type' is OTHER",
      sourceUrl: "'sourceUrl' must be an http or https URL, got 'ftp://x'",
    });
    expect(
      validateDocument({ ...base, otherTypeName: 'Policy', sourceUrl: 'https://example.com/doc' }),
    ).toEqual({});
    expect(
      validateDocument({ ...base, type: 'HOWTO', sourceType: 'MARKDOWN', summary: 'x'.repeat(1025) }),
    ).toEqual({
      summary: "'summary' must be at most 1024 characters",
    });
  });

  it("shows the server's refusal under the field it names", async () => {
    mockFetch((method) =>
      method === 'POST'
        ? {
            status: 409,
            body: {
              code: 409,
              message: 'Conflict',
              description: "'name' Guide is already a document of this API",
            },
          }
        : { body: { count: 0, list: [] } },
    );
    renderPage(<DocumentsPanel base={base} />, { session: session() });
    await userEvent.click(await screen.findByRole('button', { name: 'Add document' }));
    await userEvent.type(await screen.findByLabelText(/^Name/), 'Guide');
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add document' }));
    expect(await screen.findByText("'name' Guide is already a document of this API")).toBeVisible();
  }, 20_000);

  it('previews markdown and saves it as the content', async () => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    mockFetch((method, url, body) => {
      calls.push({ method, url, body });
      if (method === 'POST' && url.endsWith('/documents'))
        return {
          status: 201,
          body: {
            documentId: 'd1',
            name: 'Guide',
            type: 'HOWTO',
            sourceType: 'MARKDOWN',
            visibility: 'API_LEVEL',
          },
        };
      if (method === 'POST' && url.endsWith('/content'))
        return {
          status: 201,
          body: {
            documentId: 'd1',
            name: 'Guide',
            type: 'HOWTO',
            sourceType: 'MARKDOWN',
            visibility: 'API_LEVEL',
            hasContent: true,
          },
        };
      return { body: { count: 0, list: [] } };
    });
    renderPage(<DocumentsPanel base={base} />, { session: session() });
    await userEvent.click(await screen.findByRole('button', { name: 'Add document' }));
    await userEvent.type(await screen.findByLabelText(/^Name/), 'Guide');
    await userEvent.click(screen.getByLabelText('Content (Markdown)'));
    await userEvent.paste('# Getting started\nCall **GET /items**.');
    await userEvent.click(screen.getByRole('tab', { name: 'Preview' }));
    expect(
      await screen.findByRole('heading', { name: 'Getting started' }, { timeout: 10_000 }),
    ).toBeVisible();
    expect(screen.getByText('GET /items').tagName).toBe('STRONG');
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Add document' }));
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/documents/d1/content'))).toBe(true));
    const create = calls.find((c) => c.method === 'POST' && c.url.endsWith('/documents'));
    expect(create?.body).toEqual({
      name: 'Guide',
      type: 'HOWTO',
      summary: '',
      sourceType: 'MARKDOWN',
      visibility: 'API_LEVEL',
    });
    const content = calls.find((c) => c.url.endsWith('/content'))?.body as FormData;
    const text = await new Promise<string>((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.readAsText(content.get('inlineContent') as Blob);
    });
    expect(text).toBe('# Getting started\nCall **GET /items**.');
  }, 20_000);

  it('deletes a document only once the confirmation says Delete', async () => {
    const guide = {
      documentId: 'd1',
      name: 'Guide',
      type: 'HOWTO',
      sourceType: 'URL',
      visibility: 'API_LEVEL',
    };
    const fetchMock = mockFetch((method) =>
      method === 'DELETE' ? { status: 200 } : { body: { count: 1, list: [guide] } },
    );
    const deletes = () => fetchMock.mock.calls.filter(([, init]) => init?.method === 'DELETE');
    renderPage(<DocumentsPanel base={base} />, { session: session() });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Guide' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(deletes()).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Delete Guide' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(deletes()).toHaveLength(1));
    expect(String(deletes()[0][0])).toBe(`${base}/documents/d1`);
  }, 20_000);
});
