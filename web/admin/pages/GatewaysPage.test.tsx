import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { fill } from '../test/select';
import { GatewaysPage } from './GatewaysPage';

afterEach(() => vi.unstubAllGlobals());

const gw1 = {
  id: 'g1',
  name: 'edge-eu',
  displayName: 'Edge EU',
  description: 'Frankfurt',
  vhost: 'https://gw-eu.example.com:8243',
  isActive: true,
  permissions: { permissionType: 'PUBLIC', roles: [] },
  createdAt: '2026-12-01T10:00:00Z',
};

describe('gateways page', { timeout: 30_000 }, () => {
  it('lists gateways, and copes with missing optional fields', async () => {
    mockFetch(() => ({
      body: { count: 2, list: [gw1, { id: 'g2', name: 'bare', displayName: '', vhost: 'http://b' }] },
    }));
    renderPage(<GatewaysPage />);
    const row = (await screen.findByText('Edge EU (edge-eu)')).closest('tr')!;
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(within(row).getByText('https://gw-eu.example.com:8243')).toBeInTheDocument();
    const bare = screen.getByText('bare').closest('tr')!;
    expect(within(bare).getByText('Not seen')).toBeInTheDocument();
    expect(within(bare).getByText('Everyone')).toBeInTheDocument();
  });

  it('registers a gateway and shows its token once, with a copy button', async () => {
    const user = userEvent.setup({ delay: null });
    let list: unknown[] = [];
    const fetchMock = mockFetch((method, _url, body) => {
      if (method === 'POST') {
        const g = { ...gw1, ...(body as object), id: 'g9', isActive: false };
        list = [g];
        return { status: 201, body: { ...g, registrationToken: 'tok-secret-123' } };
      }
      return { body: { count: list.length, list } };
    });
    renderPage(<GatewaysPage />);
    await user.click(await screen.findByRole('button', { name: 'Register gateway' }));
    const form = await screen.findByRole('dialog', { name: 'Register gateway' });
    await user.click(within(form).getByRole('button', { name: 'Register' }));
    expect(await within(form).findByText("3 to 64 lower-case letters, digits and '-'")).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(false);
    await fill(user, within(form).getByLabelText(/^Name/), 'edge-us');
    await fill(user, within(form).getByLabelText(/^Display name/), 'Edge US');
    await fill(user, within(form).getByLabelText(/^Gateway URL/), 'https://gw-us.example.com');
    await user.click(within(form).getByRole('radio', { name: 'Only these roles' }));
    await user.type(within(form).getByLabelText(/^Roles/, { selector: 'input' }), 'publisher{enter}');
    await user.click(within(form).getByRole('button', { name: 'Register' }));
    const shown = await screen.findByRole('dialog', { name: /Registration token of Edge US/ });
    expect(within(shown).getByText('tok-secret-123')).toBeInTheDocument();
    expect(within(shown).getByText(/shown only this once/)).toBeInTheDocument();
    expect(within(shown).getByRole('button', { name: 'Copy Registration token' })).toBeInTheDocument();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(post[0]).toBe('/api/am/admin/v4/gateways');
    expect(JSON.parse(post[1]!.body as string)).toEqual({
      name: 'edge-us',
      displayName: 'Edge US',
      description: '',
      vhost: 'https://gw-us.example.com',
      permissions: { permissionType: 'ALLOW', roles: ['publisher'] },
    });
    await user.click(within(shown).getByRole('button', { name: 'I have copied it' }));
    await waitFor(() => expect(screen.queryByText('tok-secret-123')).not.toBeInTheDocument());
    expect(await screen.findByText('Edge US (edge-us)')).toBeInTheDocument();
  });

  it("shows the server's refusal under the field it names, and a taken name under Name", async () => {
    const user = userEvent.setup({ delay: null });
    let reply = {
      status: 400,
      body: {
        code: 400,
        message: 'Bad Request',
        description: "'vhost' must be the gateway's http(s) URL: no host",
      },
    };
    mockFetch((method) => (method === 'POST' ? reply : { body: { count: 0, list: [] } }));
    renderPage(<GatewaysPage />);
    await user.click(await screen.findByRole('button', { name: 'Register gateway' }));
    const form = await screen.findByRole('dialog', { name: 'Register gateway' });
    await fill(user, within(form).getByLabelText(/^Name/), 'edge-us');
    await fill(user, within(form).getByLabelText(/^Display name/), 'Edge US');
    await fill(user, within(form).getByLabelText(/^Gateway URL/), 'https://x');
    await user.click(within(form).getByRole('button', { name: 'Register' }));
    await waitFor(() =>
      expect(within(form).getByLabelText(/^Gateway URL/)).toHaveAccessibleDescription(
        expect.stringContaining("'vhost' must be the gateway's http(s) URL: no host"),
      ),
    );
    reply = {
      status: 409,
      body: { code: 409, message: 'Conflict', description: "A gateway named 'edge-us' exists" },
    };
    await user.click(within(form).getByRole('button', { name: 'Register' }));
    await waitFor(() =>
      expect(within(form).getByLabelText(/^Name/)).toHaveAccessibleDescription(
        expect.stringContaining("A gateway named 'edge-us' exists"),
      ),
    );
  });

  it('regenerates a token after asking, and deletes a gateway', async () => {
    const user = userEvent.setup({ delay: null });
    let list: unknown[] = [gw1];
    const fetchMock = mockFetch((method, url) => {
      if (method === 'POST' && url.endsWith('/gateways/g1/regenerate-token'))
        return { body: { ...gw1, registrationToken: 'fresh-token' } };
      if (method === 'DELETE') {
        list = [];
        return { status: 200 };
      }
      return { body: { count: list.length, list } };
    });
    renderPage(<GatewaysPage />);
    await user.click(await screen.findByRole('button', { name: 'Regenerate the token of gateway edge-eu' }));
    const confirm = await screen.findByRole('dialog', { name: /Regenerate the token of gateway edge-eu/ });
    await user.click(within(confirm).getByRole('button', { name: 'Regenerate' }));
    const shown = await screen.findByRole('dialog', { name: /Registration token of Edge EU/ });
    expect(within(shown).getByText('fresh-token')).toBeInTheDocument();
    await user.click(within(shown).getByRole('button', { name: 'I have copied it' }));
    await user.click(screen.getByRole('button', { name: 'Delete gateway edge-eu' }));
    const del = await screen.findByRole('dialog', { name: /Delete gateway edge-eu/ });
    await user.click(within(del).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('No gateways registered yet.')).toBeInTheDocument();
    expect(
      fetchMock.mock.calls.some(
        ([u, init]) => init?.method === 'DELETE' && u === '/api/am/admin/v4/gateways/g1',
      ),
    ).toBe(true);
  });
});
