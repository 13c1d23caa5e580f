import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { SignUpPage } from './SignUpPage';

afterEach(() => vi.unstubAllGlobals());
async function fill(username: string, password: string, confirm = password) {
  if (username) await userEvent.type(screen.getByLabelText(/^Username/), username);
  if (password) await userEvent.type(screen.getByLabelText(/^Password/), password);
  if (confirm) await userEvent.type(screen.getByLabelText(/^Confirm password/), confirm);
  await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
}

describe('sign-up', () => {
  it(
    'checks username and password as the server does before sending anything',
    { timeout: 20_000 },
    async () => {
      const fetchMock = mockFetch(() => ({ status: 201, body: {} }));
      renderPage(<SignUpPage />, { session: testSession() });
      await fill('a b', 'short', 'other');
      expect(await screen.findByText('Use only letters, digits and . _ - @')).toBeVisible();
      expect(screen.getByText('A password has at least 8 characters')).toBeVisible();
      expect(screen.getByText('The passwords differ')).toBeVisible();
      await userEvent.clear(screen.getByLabelText(/^Username/));
      await userEvent.type(screen.getByLabelText(/^Username/), 'ab');
      await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
      expect(await screen.findByText('A username has 3 to 64 characters')).toBeVisible();
      expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(0);
    },
  );

  it("puts the server's message under the field it names", { timeout: 20_000 }, async () => {
    mockFetch(() => ({
      status: 409,
      body: { code: 409, message: 'Conflict', description: "'username' dev.one is taken" },
    }));
    renderPage(<SignUpPage />, { session: testSession() });
    await fill('dev.one', 'long-enough-pw');
    expect(await screen.findByText("'username' dev.one is taken")).toBeVisible();
    expect(screen.getByLabelText(/^Username/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('says so when self sign-up is disabled', { timeout: 20_000 }, async () => {
    mockFetch(() => ({
      status: 403,
      body: {
        code: 403,
        message: 'Forbidden',
        description: 'Self sign-up is disabled on this server (devportal.self_signup)',
      },
    }));
    renderPage(<SignUpPage />, { session: testSession() });
    await fill('dev.one', 'long-enough-pw');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Sign-up is closed');
    expect(alert).toHaveTextContent('Self sign-up is disabled on this server');
  });

  it('says up front when the settings say sign-up is closed', { timeout: 20_000 }, async () => {
    mockFetch((_m, url) =>
      url.endsWith('/settings') ? { body: { selfSignUpEnabled: false } } : { status: 404, body: {} },
    );
    renderPage(<SignUpPage />, { session: testSession() });
    expect(await screen.findByText('Sign-up is closed')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Sign up' })).toBeDisabled();
  });

  it('creates the account without a token and offers to sign in', { timeout: 20_000 }, async () => {
    const fetchMock = mockFetch((_m, _u, body) => ({
      status: 201,
      body: { username: (body as { username: string }).username, roles: ['subscriber'] },
    }));
    renderPage(<SignUpPage />, { session: testSession() });
    await fill('dev.one', 'long-enough-pw');
    expect(await screen.findByText('Welcome, dev.one')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeVisible();
    const [url, init] = fetchMock.mock.calls.find(([, i]) => i?.method === 'POST')!;
    expect(url).toBe('/api/am/devportal/v3/me/sign-up');
    expect(JSON.parse(String(init?.body))).toEqual({ username: 'dev.one', password: 'long-enough-pw' });
    expect((init?.headers as Record<string, string>).Authorization).toBeUndefined();
  });
});
