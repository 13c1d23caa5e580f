import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { ProductCreatePage } from './ProductCreatePage';

afterEach(() => vi.unstubAllGlobals());
const apis = [
  { id: 'orders', name: 'Orders', version: '1.0.0', context: '/orders' },
  { id: 'stock', name: 'Stock', version: '2.0.0', context: '/stock' },
];
const ops: Record<string, { target: string; verb: string }[]> = {
  orders: [
    { target: '/orders', verb: 'GET' },
    { target: '/orders', verb: 'POST' },
    { target: '/orders/{id}', verb: 'GET' },
  ],
  stock: [{ target: '/stock', verb: 'GET' }],
};

describe('API product creation', () => {
  it('bundles the operations picked across APIs', async () => {
    let created: unknown;
    mockFetch((method, url, body) => {
      const path = url.split('?')[0];
      if (method === 'POST' && path.endsWith('/api-products')) {
        created = body;
        return {
          status: 201,
          body: { id: 'p1', name: 'Shop', context: '/shop', version: '1.0.0', apis: [] },
        };
      }
      if (path.endsWith('/apis'))
        return { body: { count: 2, list: apis, pagination: { offset: 0, limit: 25, total: 2 } } };
      const id = path.split('/').pop() ?? '';
      if (ops[id]) return { body: { ...apis.find((a) => a.id === id), operations: ops[id] } };
      if (path.endsWith('/throttling-policies/subscription'))
        return { body: { list: [{ name: 'Unlimited' }, { name: 'Gold' }] } };
      return { status: 404, body: { code: 404, message: 'Not Found', description: 'nothing' } };
    });
    renderPage(<ProductCreatePage />, { session: testSession({ scopes: ['apim:api_create'] }) });
    await userEvent.click(screen.getByRole('button', { name: 'Create API product' }));
    expect(await screen.findByText("'apis': choose at least one operation")).toBeVisible();
    expect(screen.getByText("'name' is required")).toBeVisible();

    await userEvent.type(screen.getByLabelText(/^Name/), 'Shop');
    await userEvent.type(screen.getByLabelText(/^Context/), '/shop');
    await userEvent.click(await screen.findByRole('button', { name: /Orders 1\.0\.0/ }));
    await userEvent.click(await screen.findByRole('checkbox', { name: 'GET /orders' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'GET /orders/{id}' }));
    await userEvent.click(screen.getByRole('button', { name: /Stock 2\.0\.0/ }));
    await userEvent.click(await screen.findByRole('checkbox', { name: 'All operations of Stock' }));
    expect(screen.getByText('3 operations from 2 APIs')).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: /Orders 1\.0\.0/ }));
    expect(await screen.findByRole('checkbox', { name: 'GET /orders/{id}' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'POST /orders' })).not.toBeChecked();

    await userEvent.click(screen.getByRole('button', { name: 'Create API product' }));
    await waitFor(() => expect(created).toBeDefined());
    expect(created).toEqual({
      name: 'Shop',
      context: '/shop',
      version: '1.0.0',
      policies: ['Unlimited'],
      visibility: 'PUBLIC',
      apis: [
        {
          apiId: 'orders',
          operations: [
            { target: '/orders', verb: 'GET' },
            { target: '/orders/{id}', verb: 'GET' },
          ],
        },
        { apiId: 'stock', operations: [{ target: '/stock', verb: 'GET' }] },
      ],
    });
  }, 30_000);
});
