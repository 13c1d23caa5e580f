import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { CatalogPage, catalogQuery, PAGE_SIZE } from './CatalogPage';

afterEach(() => vi.unstubAllGlobals());
const all = Array.from({ length: 500 }, (_, i) => ({
  id: `id-${i}`,
  name: `Api${i}`,
  version: '1.0.0',
  context: `/api${i}`,
  description: `Number ${i}`,
  type: i === 1 ? 'APIPRODUCT' : 'HTTP',
  tags: i % 2 ? ['odd'] : ['even'],
  hasThumbnail: false,
  lifeCycleStatus: 'PUBLISHED',
}));

function serve() {
  return mockFetch((_m, url) => {
    const u = new URL(url, 'http://x');
    if (u.pathname.endsWith('/tags'))
      return {
        body: {
          count: 2,
          list: [
            { value: 'odd', count: 250 },
            { value: 'even', count: 250 },
          ],
        },
      };
    if (u.pathname.endsWith('/api-categories'))
      return { body: { count: 1, list: [{ id: 'c1', name: 'Weather Data' }] } };
    const q = u.searchParams.get('query') ?? '';
    let list = all;
    if (q.includes('tag:odd')) list = list.filter((a) => a.tags.includes('odd'));
    const text = q.replace(/\S+:("[^"]*"|\S+)/g, '').trim();
    if (text) list = list.filter((a) => a.name.toLowerCase().includes(text.toLowerCase()));
    return { body: { count: list.length, list } };
  });
}

const urls = (f: ReturnType<typeof mockFetch>) =>
  f.mock.calls.map((c) => decodeURIComponent(String(c[0])).replace(/\+/g, ' '));

describe('catalog', () => {
  it('builds the product search syntax', () => {
    expect(catalogQuery(' pets ', 'odd', 'Weather Data')).toBe('pets tag:odd api-category:"Weather Data"');
    expect(catalogQuery('', null, null)).toBe('');
  });

  it('pages 500 APIs in the browser after one fetch', { timeout: 30_000 }, async () => {
    const fetchMock = serve();
    renderPage(<CatalogPage />, { session: testSession() });
    expect(await screen.findByText('500 APIs')).toBeVisible();
    expect(screen.getAllByRole('article')).toHaveLength(PAGE_SIZE);
    expect(screen.getByText('Product')).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Page 3' }));
    expect(await screen.findByRole('link', { name: `Api${PAGE_SIZE * 2}` })).toHaveAttribute(
      'href',
      `/apis/id-${PAGE_SIZE * 2}`,
    );
    expect(urls(fetchMock).filter((u) => u.includes('/apis'))).toHaveLength(1);
  });

  it('searches as the user types, once typing pauses, and filters by tag', { timeout: 30_000 }, async () => {
    const fetchMock = serve();
    renderPage(<CatalogPage />, { session: testSession() });
    await screen.findByText('500 APIs');
    await userEvent.type(screen.getByRole('textbox', { name: 'Search' }), 'api49');
    expect(await screen.findByText('11 APIs')).toBeVisible();
    // One search for the whole word, not one per key.
    expect(urls(fetchMock).filter((u) => u.includes('query=')).length).toBe(1);
    expect(urls(fetchMock)).toContain('/api/am/devportal/v3/apis?query=api49&limit=1000');

    await userEvent.click(screen.getByRole('combobox', { name: 'Tag' }));
    await userEvent.click(await screen.findByRole('option', { name: 'odd (250)', hidden: true }));
    await waitFor(() =>
      expect(urls(fetchMock)).toContain('/api/am/devportal/v3/apis?query=api49 tag:odd&limit=1000'),
    );
    expect(await screen.findByText('6 APIs')).toBeVisible();
  });

  it(
    'shows the REST error and keeps the filters usable when tags are unavailable',
    { timeout: 30_000 },
    async () => {
      mockFetch((_m, url) =>
        url.includes('/tags')
          ? { status: 404, body: { code: 404, message: 'Not Found', description: 'No such path' } }
          : url.includes('/apis')
            ? {
                status: 400,
                body: {
                  code: 400,
                  message: 'Bad Request',
                  description: "'query': a double quote is not closed",
                },
              }
            : { body: { count: 0, list: [] } },
      );
      renderPage(<CatalogPage />, { session: testSession({ scopes: ['apim:subscribe'] }) });
      expect(await screen.findByRole('alert')).toHaveTextContent("'query': a double quote is not closed");
      await waitFor(() => expect(screen.getByRole('combobox', { name: 'Tag' })).toBeDisabled());
    },
  );

  it(
    'offers an anonymous visitor to sign in when the server wants a token',
    { timeout: 30_000 },
    async () => {
      mockFetch(() => ({
        status: 401,
        body: { code: 401, message: 'Unauthorized', description: 'Authentication required' },
      }));
      renderPage(<CatalogPage />, { session: testSession() });
      expect(await screen.findByText('Sign in to see this')).toBeVisible();
      expect(screen.getByRole('button', { name: 'Sign in' })).toBeVisible();
    },
  );
});
