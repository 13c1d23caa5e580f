import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { SettingsPage } from './SettingsPage';

afterEach(() => vi.unstubAllGlobals());

describe('settings page', { timeout: 30_000 }, () => {
  it('shows what it can when settings are missing, and rotates the signing key after asking', async () => {
    const user = userEvent.setup({ delay: null });
    let keys = [{ kid: 'k1', alg: 'RS256', createdTime: '2026-01-01T00:00:00Z', active: true }];
    const fetchMock = mockFetch((method, url) => {
      if (url.endsWith('/admin/v4/settings'))
        return {
          status: 404,
          body: { code: 404, message: 'Not Found', description: 'No resource at /api/am/admin/v4/settings' },
        };
      if (url.endsWith('/publisher/v4/settings'))
        return {
          body: {
            environment: [
              {
                name: 'Default',
                type: 'hybrid',
                endpointURIs: [{ protocol: 'http', endpointURI: 'http://gw:8280' }],
              },
            ],
          },
        };
      if (method === 'POST' && url.endsWith('/signing-keys/rotate')) {
        keys = [
          { ...keys[0], active: false },
          { kid: 'k2', alg: 'RS256', createdTime: '2026-02-01T00:00:00Z', active: true },
        ];
        return { status: 201, body: { kid: 'k2', active: true } };
      }
      return { body: { count: keys.length, list: keys } };
    });
    renderPage(<SettingsPage />);
    expect(await screen.findByText('No resource at /api/am/admin/v4/settings')).toBeInTheDocument();
    expect(await screen.findByText('http://gw:8280')).toBeInTheDocument();
    expect(await screen.findByText('k1')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Rotate signing key' }));
    const dialog = await screen.findByRole('dialog', { name: /Rotate the signing key/ });
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate' }));
    expect(await screen.findByText('k2')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText('Retired')).toBeInTheDocument());
  });
});
