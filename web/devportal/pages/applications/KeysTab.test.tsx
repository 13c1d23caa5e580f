import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { Application, ApplicationKey } from '../../api/types';
import { KeysTab } from './KeysTab';

afterEach(() => vi.unstubAllGlobals());
const app: Application = {
  applicationId: 'app1',
  name: 'Mobile',
  throttlingPolicy: 'Unlimited',
  status: 'APPROVED',
};

function serve() {
  const mappings: ApplicationKey[] = [];
  const posts: { url: string; body: unknown }[] = [];
  const fetchMock = mockFetch((method, url, body) => {
    if (method === 'POST') posts.push({ url, body });
    if (url.endsWith('/generate-keys')) {
      const m: ApplicationKey = {
        keyMappingId: 'km1',
        consumerKey: 'ck-123',
        consumerSecret: 'cs-secret-456',
        supportedGrantTypes: (body as { grantTypesToBeSupported: string[] }).grantTypesToBeSupported,
        keyType: 'PRODUCTION',
        token: { accessToken: 'at-1', tokenScopes: ['default'], validityTime: 3600 },
      };
      mappings.push({ ...m, consumerSecret: null, token: undefined });
      return { body: m };
    }
    if (url.endsWith('/generate-token'))
      return { body: { accessToken: 'at-2', tokenScopes: ['read'], validityTime: 600 } };
    if (url.endsWith('/oauth-keys')) return { body: { count: mappings.length, list: mappings } };
    if (url.includes('/subscriptions'))
      return {
        body: {
          count: 1,
          list: [
            {
              subscriptionId: 's1',
              applicationId: 'app1',
              apiId: 'api1',
              throttlingPolicy: 'Gold',
              status: 'UNBLOCKED',
              apiInfo: { id: 'api1', name: 'Pets', version: '1.0.0', context: '/pets' },
            },
          ],
        },
      };
    if (url.endsWith('/swagger'))
      return { body: { openapi: '3.0.1', servers: [{ url: 'https://gw.example.com/pets/1.0.0' }] } };
    return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
  });
  return { posts, fetchMock };
}

describe('application keys', () => {
  it(
    'generates keys and shows the secret once with copy buttons and a curl line',
    { timeout: 30_000 },
    async () => {
      const { posts } = serve();
      renderPage(<KeysTab app={app} keyType="PRODUCTION" />, {
        session: testSession({ scopes: ['apim:subscribe'] }),
      });
      await userEvent.click(await screen.findByRole('checkbox', { name: 'Authorization code' }));
      await userEvent.click(screen.getByRole('button', { name: 'Generate keys' }));
      expect(await screen.findByText('The authorization code grant needs a callback URL')).toBeVisible();
      await userEvent.click(screen.getByRole('checkbox', { name: 'Authorization code' }));
      await userEvent.click(screen.getByRole('button', { name: 'Generate keys' }));

      const dialog = await screen.findByRole('dialog', { name: 'Production keys' });
      // The dialog fades in.
      await waitFor(() => expect(within(dialog).getByText('cs-secret-456')).toBeVisible());
      expect(within(dialog).getByRole('button', { name: 'Copy Consumer secret' })).toBeVisible();
      expect(within(dialog).getByRole('button', { name: 'Copy Consumer key' })).toBeVisible();
      expect(
        within(dialog).getByText(
          `curl -u ck-123:cs-secret-456 -d grant_type=client_credentials ${window.location.origin}/oauth2/token`,
        ),
      ).toBeVisible();
      expect(posts[0]).toEqual({
        url: '/api/am/devportal/v3/applications/app1/generate-keys',
        body: { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: 3600 },
      });

      await userEvent.click(within(dialog).getByRole('button', { name: 'I have copied it' }));
      await waitFor(() => expect(screen.queryByText('cs-secret-456')).not.toBeInTheDocument());
      // Later the key only.
      await waitFor(() => expect(screen.getByText('ck-123')).toBeVisible());
    },
  );

  it(
    'gets a test token with scopes and validity and a curl line through the gateway',
    { timeout: 30_000 },
    async () => {
      const { posts } = serve();
      renderPage(<KeysTab app={app} keyType="PRODUCTION" />, {
        session: testSession({ scopes: ['apim:subscribe'] }),
      });
      await userEvent.click(await screen.findByRole('button', { name: 'Generate keys' }));
      await userEvent.click(await screen.findByRole('button', { name: 'I have copied it' }));

      await userEvent.click(await screen.findByRole('button', { name: 'Get test token' }));
      expect(await screen.findByText('The consumer secret is required')).toBeVisible();
      await userEvent.type(screen.getByLabelText(/^Consumer secret/), 'cs-secret-456');
      const validity = screen.getByLabelText('Token validity (seconds)', { selector: 'input' });
      await userEvent.clear(validity);
      await userEvent.type(validity, '600');
      await userEvent.type(screen.getByPlaceholderText('Type a scope, press Enter'), 'read{enter}');
      await userEvent.click(screen.getByRole('button', { name: 'Get test token' }));
      expect(await screen.findByText('at-2')).toBeVisible();
      expect(
        await screen.findByText('curl -H "Authorization: Bearer at-2" https://gw.example.com/pets/1.0.0'),
      ).toBeVisible();
      expect(posts.at(-1)).toEqual({
        url: '/api/am/devportal/v3/applications/app1/oauth-keys/km1/generate-token',
        body: { consumerSecret: 'cs-secret-456', validityPeriod: 600, scopes: ['read'] },
      });
    },
  );
});
