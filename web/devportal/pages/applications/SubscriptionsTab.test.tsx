import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { Application } from '../../api/types';
import { SubscriptionsTab } from './SubscriptionsTab';

afterEach(() => vi.unstubAllGlobals());
const app: Application = { applicationId: 'app1', name: 'Mobile', throttlingPolicy: 'Unlimited' };
const sub = {
  subscriptionId: 's1',
  applicationId: 'app1',
  apiId: 'api1',
  throttlingPolicy: 'Unlimited',
  status: 'UNBLOCKED',
  apiInfo: {
    id: 'api1',
    name: 'Pets',
    version: '1.0.0',
    context: '/pets',
    throttlingPolicies: ['Unlimited', 'Gold'],
  },
};

function serve(putStatus: number) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  let subs = [sub];
  mockFetch((method, url, body) => {
    calls.push({ method, url, body });
    if (method === 'PUT')
      return putStatus === 200
        ? { body: { ...sub, throttlingPolicy: (body as { throttlingPolicy: string }).throttlingPolicy } }
        : {
            status: putStatus,
            body: {
              code: putStatus,
              message: 'Not Found',
              description: "No such path: PUT '/subscriptions/s1'",
            },
          };
    if (method === 'DELETE') {
      subs = [];
      return { status: 200 };
    }
    if (url.includes('/subscriptions')) return { body: { count: subs.length, list: subs } };
    return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
  });
  return calls;
}

describe('application subscriptions', () => {
  it("changes a tier, or shows the server's refusal", { timeout: 30_000 }, async () => {
    const calls = serve(404);
    renderPage(<SubscriptionsTab app={app} />, { session: testSession({ scopes: ['apim:subscribe'] }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Change the tier of Pets 1.0.0' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Tier' }));
    await userEvent.click(await within(dialog).findByRole('option', { name: 'Gold', hidden: true }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change tier' }));
    expect(await screen.findByText("No such path: PUT '/subscriptions/s1'")).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      url: '/api/am/devportal/v3/subscriptions/s1',
      body: { throttlingPolicy: 'Gold', apiId: 'api1', applicationId: 'app1' },
    });
  });

  it('unsubscribes after confirmation', { timeout: 30_000 }, async () => {
    const calls = serve(200);
    renderPage(<SubscriptionsTab app={app} />, { session: testSession({ scopes: ['apim:subscribe'] }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Unsubscribe from Pets 1.0.0' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unsubscribe?' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Unsubscribe' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.url.endsWith('/subscriptions/s1'))).toBe(true),
    );
    expect(await screen.findByText(/No subscription yet/)).toBeVisible();
  });
});
