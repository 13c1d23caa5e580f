import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { ApiListPage, PAGE_SIZE } from './ApiListPage';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

function apis(n: number, offset: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `id-${offset + i}`,
    name: `Api${offset + i}`,
    context: `/api${offset + i}`,
    version: '1.0.0',
    provider: 'admin',
    lifeCycleStatus: i % 2 ? 'PUBLISHED' : 'CREATED',
    hasThumbnail: false,
  }));
}

describe('API list', () => {
  it(
    'searches with the REST search syntax and pages with the server total',
    { timeout: 30_000 },
    async () => {
      const fetchMock = mockFetch((_m, url) => {
        const u = new URL(url, 'http://x');
        if (u.pathname.endsWith('/apis')) {
          const offset = Number(u.searchParams.get('offset'));
          const q = u.searchParams.get('query');
          const total = q ? 1 : 60;
          const list = q
            ? [{ ...apis(1, 0)[0], name: 'Pets' }]
            : apis(Math.min(PAGE_SIZE, total - offset), offset);
          return { body: { count: list.length, list, pagination: { offset, limit: PAGE_SIZE, total } } };
        }
        return { status: 404, body: { code: 404, message: 'Not Found', description: 'none' } };
      });
      renderPage(<ApiListPage />, { session: testSession({ scopes: ['apim:api_view', 'apim:api_create'] }) });
      expect(await screen.findByText('60 APIs')).toBeInTheDocument();
      expect(screen.getByRole('link', { name: /Api0/ })).toHaveAttribute('href', '/apis/id-0');
      expect(screen.getAllByText('PUBLISHED').length).toBeGreaterThan(0);

      await userEvent.click(screen.getByRole('button', { name: 'Page 3' }));
      expect(await screen.findByRole('link', { name: /Api48/ }, { timeout: 5000 })).toBeInTheDocument();
      expect(fetchMock.mock.calls.map((c) => String(c[0]))).toContain(
        `/api/am/publisher/v4/apis?limit=${PAGE_SIZE}&offset=48`,
      );

      await userEvent.click(screen.getByLabelText('Search APIs'));
      await userEvent.paste('name:pets');
      expect(await screen.findByRole('link', { name: /Pets/ }, { timeout: 5000 })).toBeInTheDocument();
      expect(screen.getByText(/1 API matching/)).toBeInTheDocument();
      // A new search starts again at the first page.
      expect(fetchMock.mock.calls.map((c) => String(c[0]))).toContain(
        `/api/am/publisher/v4/apis?query=name%3Apets&limit=${PAGE_SIZE}&offset=0`,
      );
      expect(screen.queryByRole('button', { name: 'Page 2' })).not.toBeInTheDocument();
    },
  );

  it(
    "shows the server's message for a malformed search and switches to the table",
    { timeout: 30_000 },
    async () => {
      mockFetch((_m, url) =>
        url.includes('query=')
          ? {
              status: 400,
              body: { code: 400, message: 'Bad Request', description: "Unknown search prefix 'colour:'" },
            }
          : { body: { count: 2, list: apis(2, 0), pagination: { offset: 0, limit: PAGE_SIZE, total: 2 } } },
      );
      renderPage(<ApiListPage />, { session: testSession({ scopes: ['apim:api_view'] }) });
      await screen.findByText('2 APIs');
      expect(screen.queryByRole('button', { name: /Create API/ })).not.toBeInTheDocument();
      await userEvent.click(screen.getByText('Table'));
      const table = await screen.findByRole('table');
      expect(within(table).getByRole('columnheader', { name: 'Context' })).toBeInTheDocument();
      await userEvent.click(screen.getByLabelText('Search APIs'));
      await userEvent.paste('colour:red');
      expect(
        await screen.findByText("Unknown search prefix 'colour:'", {}, { timeout: 5000 }),
      ).toBeInTheDocument();
    },
  );

  it('offers the three ways to create an API', { timeout: 30_000 }, async () => {
    mockFetch(() => ({
      body: { count: 0, list: [], pagination: { offset: 0, limit: PAGE_SIZE, total: 0 } },
    }));
    renderPage(<ApiListPage />, { session: testSession({ scopes: ['apim:api_view', 'apim:api_create'] }) });
    await screen.findByText(/No APIs yet/);
    await userEvent.click(screen.getByRole('button', { name: /Create API/ }));
    // (jsdom does not run the menu's opening transition: its items stay display:none.)
    const items = await screen.findAllByRole('menuitem', { hidden: true });
    expect(items.map((i) => [i.textContent, i.getAttribute('href')])).toEqual([
      ['Start from scratch', '/apis/create'],
      ['Import an OpenAPI definition', '/apis/create/openapi'],
      ['From a Service Catalog service', '/apis/create/service'],
    ]);
  });
});
