import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { ApiInfo } from '../api/types';
import { SubscribeDialog } from './SubscribeDialog';

afterEach(() => vi.unstubAllGlobals());
const pets: ApiInfo = {
  id: 'api1',
  name: 'Pets',
  version: '1.0.0',
  context: '/pets',
  tiers: [{ tierName: 'Unlimited' }, { tierName: 'Gold' }],
};

function serve(refuse?: string) {
  const posts: unknown[] = [];
  mockFetch((method, url, body) => {
    if (url.includes('/applications'))
      return {
        body: {
          count: 2,
          list: [
            { applicationId: 'a1', name: 'Mobile', throttlingPolicy: 'Unlimited' },
            { applicationId: 'a2', name: 'Web', throttlingPolicy: 'Unlimited' },
          ],
        },
      };
    if (url.includes('/subscriptions') && method === 'GET')
      return {
        body: {
          count: 1,
          list: [
            {
              subscriptionId: 's0',
              applicationId: 'a2',
              apiId: 'api1',
              throttlingPolicy: 'Gold',
              status: 'UNBLOCKED',
            },
          ],
        },
      };
    if (url.includes('/subscriptions') && method === 'POST') {
      if (refuse) return { status: 400, body: { code: 400, message: 'Bad Request', description: refuse } };
      posts.push(body);
      return { status: 201, body: { subscriptionId: 's1', ...(body as object), status: 'UNBLOCKED' } };
    }
    return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
  });
  return posts;
}

describe('subscribe dialog', () => {
  it('subscribes an application at a tier the API offers', { timeout: 30_000 }, async () => {
    const posts = serve();
    const onClose = vi.fn();
    renderPage(<SubscribeDialog api={pets} opened onClose={onClose} />, {
      session: testSession({ scopes: ['apim:subscribe'] }),
    });
    const dialog = await screen.findByRole('dialog', { name: 'Subscribe to Pets 1.0.0' });
    await userEvent.click(await within(dialog).findByRole('combobox', { name: /Application/ }));
    // An application already subscribed cannot be chosen again.
    expect(
      await within(dialog).findByRole('option', { name: 'Web (subscribed)', hidden: true }),
    ).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(within(dialog).getByRole('option', { name: 'Mobile', hidden: true }));
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Tier/ }));
    await userEvent.click(await within(dialog).findByRole('option', { name: 'Gold', hidden: true }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Subscribe' }));
    await waitFor(() =>
      expect(posts).toEqual([{ applicationId: 'a1', throttlingPolicy: 'Gold', apiId: 'api1' }]),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("shows the server's refusal under the tier", { timeout: 30_000 }, async () => {
    serve("'throttlingPolicy' 'Gold' is not offered by API 'Pets' (offered: Unlimited)");
    renderPage(<SubscribeDialog api={pets} opened onClose={() => {}} />, {
      session: testSession({ scopes: ['apim:subscribe'] }),
    });
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('combobox', { name: /Application/ }));
    await userEvent.click(await within(dialog).findByRole('option', { name: 'Mobile', hidden: true }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Subscribe' }));
    expect(
      await within(dialog).findByText(
        "'throttlingPolicy' 'Gold' is not offered by API 'Pets' (offered: Unlimited)",
      ),
    ).toBeVisible();
  });
});
