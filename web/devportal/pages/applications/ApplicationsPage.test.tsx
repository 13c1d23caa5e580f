import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { ApplicationsPage } from './ApplicationsPage';

afterEach(() => vi.unstubAllGlobals());
const tiers = [
  { name: 'Unlimited', displayName: 'Unlimited', description: 'Allows unlimited requests' },
  { name: '10PerMin', displayName: '10PerMin', description: 'Allows 10 requests per minute' },
];

function serve(created: unknown[], refuse?: string) {
  const apps: {
    applicationId: string;
    name: string;
    throttlingPolicy: string;
    status: string;
    subscriptionCount: number;
  }[] = [];
  return mockFetch((method, url, body) => {
    if (url.includes('/throttling-policies/application'))
      return { body: { count: tiers.length, list: tiers } };
    if (url.includes('/applications') && method === 'POST') {
      if (refuse) return { status: 409, body: { code: 409, message: 'Conflict', description: refuse } };
      created.push(body);
      const b = body as { name: string; throttlingPolicy: string };
      apps.push({
        applicationId: 'app1',
        name: b.name,
        throttlingPolicy: b.throttlingPolicy,
        status: 'APPROVED',
        subscriptionCount: 0,
      });
      return { status: 201, body: apps[0] };
    }
    if (url.includes('/applications')) return { body: { count: apps.length, list: apps } };
    return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
  });
}

describe('applications', () => {
  it('creates an application with a tier chosen by name and description', { timeout: 30_000 }, async () => {
    const created: unknown[] = [];
    serve(created);
    renderPage(<ApplicationsPage />, { session: testSession({ scopes: ['apim:subscribe'] }) });
    expect(await screen.findByText(/No application yet/)).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Create application' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create an application' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText('A name is required')).toBeVisible();
    expect(created).toHaveLength(0);

    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Mobile app');
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Throttling tier/ }));
    expect(await within(dialog).findByText('Allows 10 requests per minute')).toBeInTheDocument();
    await userEvent.click(await within(dialog).findByRole('option', { name: /10PerMin/, hidden: true }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(created).toEqual([
        { name: 'Mobile app', description: '', throttlingPolicy: '10PerMin', tokenType: 'JWT' },
      ]),
    );
    expect(await screen.findByRole('link', { name: 'Mobile app' })).toHaveAttribute(
      'href',
      '/applications/app1',
    );
  });

  it("shows the server's refusal under the name", { timeout: 30_000 }, async () => {
    serve([], "'name' Mobile app is already an application of yours");
    renderPage(<ApplicationsPage />, { session: testSession({ scopes: ['apim:subscribe'] }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Create application' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create an application' });
    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Mobile app');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(
      await within(dialog).findByText("'name' Mobile app is already an application of yours"),
    ).toBeVisible();
  });
});
