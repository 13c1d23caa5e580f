import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { ApiDetail } from '../../api/types';
import { EndpointsTab } from './EndpointsTab';

afterEach(() => vi.unstubAllGlobals());

const session = () => testSession({ scopes: ['apim:api_view', 'apim:api_create'] });

const inline: ApiDetail = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'CREATED',
  endpointConfig: { endpoint_type: 'INLINE' },
  operations: [
    { target: '/pets/{id}', verb: 'GET' },
    { target: '/pets', verb: 'DELETE' },
  ],
};

describe('mock responses of an INLINE API', () => {
  it(
    'generates the mocks and shows what each operation answers, or that it answers 501',
    { timeout: 30_000 },
    async () => {
      const user = userEvent.setup({ delay: null });
      let generated = false;
      const fetchMock = mockFetch((method, url) => {
        if (method === 'POST' && url.endsWith('/apis/a1/generate-mock-scripts')) {
          generated = true;
          return { body: { openapi: '3.0.1' } };
        }
        if (url.endsWith('/apis/a1/generated-mock-scripts'))
          return generated
            ? {
                body: {
                  count: 1,
                  list: [
                    {
                      path: '/pets/{id}',
                      verb: 'GET',
                      content: JSON.stringify({
                        statusCode: 200,
                        contentType: 'application/json',
                        payload: '{"id":0}',
                      }),
                    },
                  ],
                },
              }
            : { body: { count: 0, list: [] } };
        return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
      });
      renderPage(<EndpointsTab api={inline} />, { session: session() });
      expect(screen.getByRole('radio', { name: 'Mock' })).toBeChecked();
      expect(screen.queryByLabelText('Production endpoint')).not.toBeInTheDocument();
      const table = await screen.findByRole('table', { name: 'Mock responses' });
      expect(within(table).getAllByText(/answers 501 Not Implemented/)).toHaveLength(2);
      await user.click(screen.getByRole('button', { name: 'Generate mock scripts' }));
      expect(await within(table).findByText('{"id":0}')).toBeInTheDocument();
      const get = within(table).getByText('GET /pets/{id}').closest('tr')!;
      expect(within(get).getByText('200')).toBeInTheDocument();
      expect(within(get).getByText('application/json')).toBeInTheDocument();
      const del = within(table).getByText('DELETE /pets').closest('tr')!;
      expect(within(del).getByText(/answers 501 Not Implemented/)).toBeInTheDocument();
      expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(1);
    },
  );

  it("shows the server's problem when no mock can be made", { timeout: 30_000 }, async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch((method, url) => {
      if (method === 'POST')
        return {
          status: 501,
          body: {
            code: 501,
            message: 'Not Implemented',
            description: 'No mock response for GET /pets: the operation declares no response',
          },
        };
      if (url.endsWith('/generated-mock-scripts')) return { body: {} };
      return { status: 404, body: {} };
    });
    renderPage(<EndpointsTab api={{ ...inline, operations: undefined }} />, { session: session() });
    expect(await screen.findByText('The API has no operations.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Generate mock scripts' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No mock response for GET /pets: the operation declares no response');
    expect(alert).toHaveTextContent('HTTP 501');
  });

  it('turns an API with a backend into a mocked one', { timeout: 30_000 }, async () => {
    const user = userEvent.setup({ delay: null });
    const puts: ApiDetail[] = [];
    mockFetch((method, _url, body) => {
      if (method === 'PUT') {
        puts.push(body as ApiDetail);
        return { body: body as ApiDetail };
      }
      return { body: { count: 0, list: [] } };
    });
    const http: ApiDetail = {
      ...inline,
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://b:8080' } },
    };
    renderPage(<EndpointsTab api={http} />, { session: session() });
    await user.click(screen.getByText('Mock'));
    expect(await screen.findByText(/Save the endpoint type for the gateway/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0].endpointConfig).toEqual({ endpoint_type: 'INLINE' });
  });
});
