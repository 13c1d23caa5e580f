import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { CreateApiPage } from './CreateApiPage';

afterEach(() => vi.unstubAllGlobals());

const tiers = {
  count: 2,
  list: [
    { name: 'Unlimited', displayName: 'Unlimited' },
    { name: 'Gold', displayName: 'Gold', requestCount: 5000, timeUnit: 'min', unitTime: 1 },
  ],
};
const session = () => testSession({ scopes: ['apim:api_view', 'apim:api_create'] });

describe('Create an API from scratch', () => {
  it(
    'checks the fields as the server does and shows its refusal under the field it names',
    { timeout: 30_000 },
    async () => {
      const posted: unknown[] = [];
      mockFetch((method, url, body) => {
        if (url.includes('/throttling-policies/subscription')) return { body: tiers };
        if (method === 'POST' && url.endsWith('/apis')) {
          posted.push(body);
          return {
            status: 409,
            body: {
              code: 409,
              message: 'Conflict',
              description: "'context' '/pets' with version '1.0.0' is already used by API Pets",
            },
          };
        }
        return { status: 404, body: {} };
      });
      renderPage(<CreateApiPage />, {
        path: '/apis/create',
        route: '/apis/create/:kind?',
        session: session(),
      });
      const user = userEvent.setup();
      await user.clear(screen.getByLabelText(/^Version/));
      await user.click(screen.getByRole('button', { name: 'Create' }));
      expect(await screen.findByText("'name' is required")).toBeInTheDocument();
      expect(screen.getByText("'context' is required")).toBeInTheDocument();
      expect(screen.getByText("'version' is required")).toBeInTheDocument();
      expect(posted).toHaveLength(0);

      await user.type(screen.getByLabelText(/^Name/), 'Pets');
      // The context follows the name until it is typed in.
      expect(screen.getByLabelText(/^Context/)).toHaveValue('/pets');
      await user.type(screen.getByLabelText(/^Version/), '1.0.0');
      await user.type(screen.getByLabelText(/^Endpoint URL/), 'ftp://backend');
      await user.click(screen.getByRole('button', { name: 'Create' }));
      expect(await screen.findByText('The endpoint must be an http or https URL')).toBeInTheDocument();
      expect(posted).toHaveLength(0);

      await user.clear(screen.getByLabelText(/^Endpoint URL/));
      await user.type(screen.getByLabelText(/^Endpoint URL/), 'http://backend:8080/v1');
      await user.click(screen.getByRole('button', { name: 'Create' }));
      expect(
        await screen.findByText("'context' '/pets' with version '1.0.0' is already used by API Pets"),
      ).toBeInTheDocument();
      expect(screen.getByLabelText(/^Context/)).toHaveAttribute('aria-invalid', 'true');
      expect(posted[0]).toEqual({
        name: 'Pets',
        context: '/pets',
        version: '1.0.0',
        policies: ['Unlimited'],
        endpointConfig: {
          endpoint_type: 'http',
          production_endpoints: { url: 'http://backend:8080/v1' },
          sandbox_endpoints: { url: 'http://backend:8080/v1' },
        },
      });
    },
  );

  it(
    'rejects an illegal name before sending and opens the new API on success',
    { timeout: 30_000 },
    async () => {
      mockFetch((method, url) => {
        if (url.includes('/throttling-policies/subscription')) return { body: tiers };
        if (method === 'POST' && url.endsWith('/apis'))
          return {
            status: 201,
            body: {
              id: 'new-id',
              name: 'Orders',
              version: '1.0.0',
              context: '/orders',
              lifeCycleStatus: 'CREATED',
            },
          };
        return { status: 404, body: {} };
      });
      renderPage(<CreateApiPage />, {
        path: '/apis/create',
        route: '/apis/create/:kind?',
        session: session(),
      });
      const user = userEvent.setup();
      await user.type(screen.getByLabelText(/^Name/), 'Orders/v1');
      await user.click(screen.getByRole('button', { name: 'Create' }));
      expect(await screen.findByText(/'name' contains an illegal character/)).toBeInTheDocument();
      await user.clear(screen.getByLabelText(/^Name/));
      await user.type(screen.getByLabelText(/^Name/), 'Orders');
      await user.click(screen.getByRole('button', { name: 'Create' }));
      await waitFor(() => expect(screen.getByText('API Orders 1.0.0 created')).toBeInTheDocument());
    },
  );
});
