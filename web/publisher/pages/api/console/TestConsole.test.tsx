import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { Api } from '../../../api/types';
import { TestConsole } from './TestConsole';
import { requestUrl } from './request';

afterEach(() => vi.unstubAllGlobals());
const api: Api = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'PUBLISHED',
  policies: ['Gold'],
  operations: [{ target: '/pets/{petId}', verb: 'GET' }],
};

describe('test console', () => {
  it('fills path parameters and the query into the gateway URL', () => {
    expect(
      requestUrl('http://gw:8280/pets/1.0.0/', '/pets/{petId}', { petId: 'a b' }, [
        { name: 'x', value: '1' },
        { name: '', value: 'y' },
      ]),
    ).toBe('http://gw:8280/pets/1.0.0/pets/a%20b?x=1');
  });

  it('gets a token for the signed-in user, calls the gateway and explains a refused cross-origin call', async () => {
    const calls: string[] = [];
    mockFetch((method, url, body) => {
      calls.push(`${method} ${url.split('?')[0]}`);
      if (url.startsWith('http://localhost:8280')) throw new TypeError('Failed to fetch');
      if (url.endsWith('/swagger'))
        return { body: { servers: [{ url: 'http://localhost:8280/pets/1.0.0' }] } };
      if (url.endsWith('/deployments')) return { body: { count: 1, list: [{ name: 'Default' }] } };
      if (method === 'GET' && url.includes('/applications?')) return { body: { count: 0, list: [] } };
      if (method === 'POST' && url.endsWith('/applications'))
        return { status: 201, body: { applicationId: 'app1', name: (body as { name: string }).name } };
      if (url.endsWith('/subscriptions')) return { status: 201, body: { subscriptionId: 's1' } };
      if (url.endsWith('/oauth-keys')) return { body: { count: 0, list: [] } };
      if (url.endsWith('/generate-keys'))
        return { body: { keyMappingId: 'k1', token: { accessToken: 'tok-123', validityTime: 3600 } } };
      return { status: 404, body: { code: 404, message: 'Not Found', description: url } };
    });
    renderPage(<TestConsole api={api} />, {
      session: testSession({ scopes: ['apim:api_view', 'apim:subscribe'] }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Get a test token' }));
    await waitFor(() => expect(screen.getByLabelText('Access token')).toHaveValue('tok-123'));
    expect(calls).toEqual(
      expect.arrayContaining([
        'POST /api/am/devportal/v3/applications',
        'POST /api/am/devportal/v3/subscriptions',
        'POST /api/am/devportal/v3/applications/app1/generate-keys',
      ]),
    );
    await waitFor(() =>
      expect(screen.getByLabelText(/Gateway URL/)).toHaveValue('http://localhost:8280/pets/1.0.0'),
    );
    await userEvent.type(screen.getByLabelText('Path parameter petId'), '7');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText(/does not allow calls from this portal's origin/)).toBeVisible();
    expect(calls).toContain('GET http://localhost:8280/pets/1.0.0/pets/7');
  }, 30_000);
});
