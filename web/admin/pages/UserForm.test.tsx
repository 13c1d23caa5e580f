import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { choose, fill } from '../test/select';
import { UserForm } from './UserForm';

afterEach(() => vi.unstubAllGlobals());

describe('user form', { timeout: 30_000 }, () => {
  it('creates a user with a password of 8+ characters and roles', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch((_m, _u, body) => ({ status: 201, body }));
    const onDone = vi.fn();
    renderPage(<UserForm onDone={onDone} />);
    await fill(user, screen.getByLabelText(/^Username/), 'bob');
    await fill(user, screen.getByLabelText(/^Password/), 'short');
    await fill(user, screen.getByLabelText(/^Repeat the password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('At least 8 characters')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
    await fill(user, screen.getByLabelText(/^Password/), '-long-enough');
    await fill(user, screen.getByLabelText(/^Repeat the password/), '-long-enough');
    await choose(user, /^Roles/, /^creator/);
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(JSON.parse(fetchMock.mock.calls[0][1]!.body as string)).toEqual({
      username: 'bob',
      password: 'short-long-enough',
      roles: ['subscriber', 'creator'],
    });
  });

  it("shows the server's refusal under the username", async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch(() => ({
      status: 409,
      body: { code: 409, message: 'Conflict', description: "User 'bob' already exists" },
    }));
    renderPage(<UserForm onDone={() => {}} />);
    await fill(user, screen.getByLabelText(/^Username/), 'bob');
    await fill(user, screen.getByLabelText(/^Password/), 'password1');
    await fill(user, screen.getByLabelText(/^Repeat the password/), 'password1');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Username/)).toHaveAccessibleDescription(
        expect.stringContaining("User 'bob' already exists"),
      ),
    );
  });

  it('edits roles without sending a password unless one is given', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch((_m, _u, body) => ({
      status: 200,
      body: { username: 'bob', ...(body as object) },
    }));
    const onDone = vi.fn();
    renderPage(<UserForm user={{ username: 'bob', roles: ['subscriber'] }} onDone={onDone} />);
    expect(screen.getByLabelText(/^Username/)).toHaveAttribute('readonly');
    expect(screen.queryByLabelText(/^Repeat the password/)).not.toBeInTheDocument();
    await choose(user, /^Roles/, /^publisher/);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/am/admin/v4/users/bob');
    expect(init!.method).toBe('PUT');
    expect(JSON.parse(init!.body as string)).toEqual({ roles: ['subscriber', 'publisher'] });
  });

  it('keeps the admin role on your own account', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch(() => ({ status: 500 }));
    renderPage(<UserForm user={{ username: 'alice', roles: ['admin'] }} onDone={() => {}} />, {
      session: testSession({ username: 'alice', scopes: ['apim:admin'] }),
    });
    // Backspace in the roles field removes the last role: admin.
    await user.click(screen.getByRole('combobox', { name: /^Roles/ }));
    await user.keyboard('{Backspace}');
    await choose(user, /^Roles/, /^subscriber/);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText(/Keep the admin role: without it you could not sign in here again/),
    ).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('resets a password', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch((_m, _u, body) => ({
      status: 200,
      body: { username: 'bob', roles: ['subscriber'], ...(body as object) },
    }));
    renderPage(<UserForm user={{ username: 'bob', roles: ['subscriber'] }} onDone={() => {}} />);
    await fill(user, screen.getByLabelText(/^New password/), 'new-password');
    await fill(user, screen.getByLabelText(/^Repeat the password/), 'new-passwort');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The passwords differ')).toBeInTheDocument();
    await fill(user, screen.getByLabelText(/^Repeat the password/), '');
    await user.clear(screen.getByLabelText(/^Repeat the password/));
    await fill(user, screen.getByLabelText(/^Repeat the password/), 'new-password');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(JSON.parse(fetchMock.mock.calls[0][1]!.body as string)).toEqual({
      roles: ['subscriber'],
      password: 'new-password',
    });
  });
});
