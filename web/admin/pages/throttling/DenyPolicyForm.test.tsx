import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { choose, fill } from '../../test/select';
import { DenyPolicyForm } from './DenyPolicyForm';

afterEach(() => vi.unstubAllGlobals());

async function create(steps: (user: UserEvent) => Promise<void>) {
  const user = userEvent.setup({ delay: null });
  const fetchMock = mockFetch((_m, _u, body) => ({
    status: 201,
    body: { conditionId: 'c1', ...(body as object) },
  }));
  const onDone = vi.fn();
  renderPage(<DenyPolicyForm onDone={onDone} />);
  await steps(user);
  await user.click(screen.getByRole('button', { name: 'Create' }));
  await waitFor(() => expect(onDone).toHaveBeenCalled());
  expect(fetchMock.mock.calls[0][0]).toBe('/api/am/admin/v4/throttling/deny-policies');
  return JSON.parse(fetchMock.mock.calls[0][1]!.body as string) as unknown;
}

describe('deny policy form', { timeout: 30_000 }, () => {
  it('blocks an API context', async () => {
    const body = await create(async (user) =>
      fill(user, screen.getByLabelText(/^API context/), '/pizzashack/1.0.0'),
    );
    expect(body).toEqual({
      conditionType: 'API',
      conditionValue: '/pizzashack/1.0.0',
      conditionStatus: true,
    });
  });

  it('blocks an application as owner:name', async () => {
    const body = await create(async (user) => {
      await choose(user, 'Condition type', 'Application');
      await fill(user, screen.getByLabelText(/^Application owner/), 'alice');
      await fill(user, screen.getByLabelText(/^Application name/), 'Shop');
    });
    expect(body).toEqual({
      conditionType: 'APPLICATION',
      conditionValue: 'alice:Shop',
      conditionStatus: true,
    });
  });

  it('blocks a user, disabled for now', async () => {
    const body = await create(async (user) => {
      await choose(user, 'Condition type', 'User');
      await fill(user, screen.getByLabelText(/^Username/), 'mallory');
      await user.click(screen.getByRole('switch', { name: 'Enforce now' }));
    });
    expect(body).toEqual({ conditionType: 'USER', conditionValue: 'mallory', conditionStatus: false });
  });

  it('blocks every IP address but one (inverted)', async () => {
    const body = await create(async (user) => {
      await choose(user, 'Condition type', 'IP address');
      await fill(user, screen.getByLabelText(/^IP address/), '2001:db8::7');
      await user.click(screen.getByRole('switch', { name: /Invert/ }));
    });
    expect(body).toEqual({
      conditionType: 'IP',
      conditionValue: { fixedIp: '2001:db8::7', invert: true },
      conditionStatus: true,
    });
  });

  it('blocks an IP range', async () => {
    const body = await create(async (user) => {
      await choose(user, 'Condition type', 'IP range');
      await fill(user, screen.getByLabelText(/^Starting IP/), '192.0.2.1');
      await fill(user, screen.getByLabelText(/^Ending IP/), '192.0.2.99');
    });
    expect(body).toEqual({
      conditionType: 'IPRANGE',
      conditionValue: { startingIp: '192.0.2.1', endingIp: '192.0.2.99', invert: false },
      conditionStatus: true,
    });
  });

  it('checks each type as the server does', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch(() => ({ status: 500 }));
    renderPage(<DenyPolicyForm onDone={() => {}} />);
    await fill(user, screen.getByLabelText(/^API context/), 'pizzashack');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText(/starting with '\/'/)).toBeInTheDocument();
    await choose(user, 'Condition type', 'IP range');
    await fill(user, screen.getByLabelText(/^Starting IP/), '192.0.2.9');
    await fill(user, screen.getByLabelText(/^Ending IP/), '192.0.2.1');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText('The range must not end before it starts')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's message under the field, or in a notice for a duplicate", async () => {
    const user = userEvent.setup({ delay: null });
    let reply = {
      status: 400,
      body: {
        code: 400,
        message: 'Bad Request',
        description: "'conditionValue.startingIp' is not an IP address: '192.0.2.1'",
      },
    };
    mockFetch(() => reply);
    renderPage(<DenyPolicyForm onDone={() => {}} />);
    await choose(user, 'Condition type', 'IP range');
    await fill(user, screen.getByLabelText(/^Starting IP/), '192.0.2.1');
    await fill(user, screen.getByLabelText(/^Ending IP/), '192.0.2.5');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Starting IP/)).toHaveAccessibleDescription(
        expect.stringContaining('is not an IP address'),
      ),
    );
    reply = {
      status: 409,
      body: {
        code: 409,
        message: 'Conflict',
        description: "A deny policy of type IPRANGE for '192.0.2.1-192.0.2.5' already exists",
      },
    };
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(
      () => expect(document.body.textContent).toMatch(/A deny policy of type IPRANGE .* already exists/),
      { timeout: 5000 },
    );
  });
});
