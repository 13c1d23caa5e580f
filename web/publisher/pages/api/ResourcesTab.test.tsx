import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { ApiDetail } from '../../api/types';
import { checkTarget, ResourcesTab } from './ResourcesTab';

afterEach(() => vi.unstubAllGlobals());

const apiObj: ApiDetail = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'CREATED',
  scopes: [{ scope: { name: 'pets:write', displayName: 'Write pets', bindings: [] }, shared: false }],
  operations: [
    {
      id: 'o1',
      target: '/pets',
      verb: 'GET',
      authType: 'Application & Application User',
      throttlingPolicy: 'Unlimited',
      scopes: [],
    },
    {
      id: 'o2',
      target: '/pets',
      verb: 'POST',
      authType: 'Application & Application User',
      throttlingPolicy: 'Unlimited',
      scopes: ['pets:write'],
    },
  ],
};
const advanced = {
  count: 2,
  list: [{ name: 'Unlimited' }, { name: '10KPerMin', requestCount: 10000, timeUnit: 'min', unitTime: 1 }],
};

describe('Resources tab', () => {
  it(
    'turns security off, adds and removes operations, and saves the whole API',
    { timeout: 40_000 },
    async () => {
      const puts: ApiDetail[] = [];
      mockFetch((method, url, body) => {
        if (url.includes('/throttling-policies/api')) return { body: advanced };
        if (method === 'PUT') {
          puts.push(body as ApiDetail);
          return { body: { ...(body as ApiDetail), lastUpdatedTime: 'later' } };
        }
        return { status: 404, body: {} };
      });
      renderPage(<ResourcesTab api={apiObj} />, {
        session: testSession({ scopes: ['apim:api_view', 'apim:api_create'] }),
      });
      const user = userEvent.setup();
      expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

      await user.click(screen.getByRole('switch', { name: 'Security of GET /pets' }));
      await user.type(screen.getByLabelText('URL template'), 'pets/{id}');
      await user.click(screen.getByRole('button', { name: 'Add operation' }));
      expect(await screen.findByText("The URL template must start with '/'")).toBeInTheDocument();
      await user.clear(screen.getByLabelText('URL template'));
      await user.type(screen.getByLabelText('URL template'), '/pets');
      await user.click(screen.getByRole('button', { name: 'Add operation' }));
      expect(await screen.findByText('GET /pets is already an operation')).toBeInTheDocument();
      await user.clear(screen.getByLabelText('URL template'));
      await user.type(screen.getByLabelText('URL template'), '/pets/{{petId}');
      await user.click(screen.getByRole('button', { name: 'Add operation' }));
      expect(await screen.findByRole('switch', { name: 'Security of GET /pets/{petId}' })).toBeChecked();
      await user.click(screen.getByRole('button', { name: 'Remove POST /pets' }));
      expect(screen.queryByRole('switch', { name: 'Security of POST /pets' })).not.toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'Save' }));
      await waitFor(() => expect(puts).toHaveLength(1));
      expect(puts[0].name).toBe('Pets');
      expect(puts[0].operations).toEqual([
        {
          id: 'o1',
          target: '/pets',
          verb: 'GET',
          authType: 'None',
          throttlingPolicy: 'Unlimited',
          scopes: [],
        },
        {
          target: '/pets/{petId}',
          verb: 'GET',
          authType: 'Application & Application User',
          throttlingPolicy: 'Unlimited',
          scopes: [],
        },
      ]);
      expect(puts[0].scopes).toEqual(apiObj.scopes);
    },
  );

  it("puts the server's refusal under the operation field it names", { timeout: 30_000 }, async () => {
    mockFetch((method, url) => {
      if (url.includes('/throttling-policies/api')) return { body: advanced };
      if (method === 'PUT')
        return {
          status: 400,
          body: {
            code: 400,
            message: 'Bad Request',
            description: "'operations[1].scopes[0]': 'pets:write' is not a scope of the API",
          },
        };
      return { status: 404, body: {} };
    });
    renderPage(<ResourcesTab api={apiObj} />, {
      session: testSession({ scopes: ['apim:api_view', 'apim:api_create'] }),
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('switch', { name: 'Security of GET /pets' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText("'operations[1].scopes[0]': 'pets:write' is not a scope of the API"),
    ).toBeInTheDocument();
  });

  it('accepts URL templates as the server does', () => {
    expect(checkTarget('/pets/{petId}')).toBeNull();
    expect(checkTarget('/*')).toBeNull();
    expect(checkTarget('/files/*')).toBeNull();
    expect(checkTarget('/a*b')).not.toBeNull();
    expect(checkTarget('/a b')).not.toBeNull();
  });
});
