import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { fill } from '../../test/select';
import { PoliciesPage } from './PoliciesPage';

afterEach(() => vi.unstubAllGlobals());

const policy = (name: string, n: number) => ({
  policyId: `id-${name}`,
  policyName: name,
  displayName: name,
  description: '',
  defaultLimit: {
    type: 'REQUESTCOUNTLIMIT',
    requestCount: { timeUnit: 'min', unitTime: 1, requestCount: n },
  },
});

describe('application policies page', { timeout: 30_000 }, () => {
  it('lists, searches and pages the policies', async () => {
    const user = userEvent.setup({ delay: null });
    const list = [policy('Unlimited', 0), ...Array.from({ length: 40 }, (_, i) => policy(`Tier${i}`, i + 1))];
    mockFetch(() => ({ body: { count: list.length, list } }));
    renderPage(<PoliciesPage level="application" />);
    expect(await screen.findByText('41 in all')).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(26);
    await fill(user, screen.getByRole('textbox', { name: 'Search application policies' }), 'Tier39');
    expect(screen.getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('40 requests per minute')).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
  });

  it("keeps the server's refusal of a delete in the dialog", async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch((method) =>
      method === 'DELETE'
        ? {
            status: 409,
            body: {
              code: 409,
              message: 'Conflict',
              description: "Tier '10PerMin' is used by application 'Shop'",
            },
          }
        : { body: { count: 2, list: [policy('Unlimited', 0), policy('10PerMin', 10)] } },
    );
    renderPage(<PoliciesPage level="application" />);
    expect(screen.queryByRole('button', { name: 'Delete Unlimited' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Delete 10PerMin' }));
    const dialog = await screen.findByRole('dialog', { name: /Delete application policy 10PerMin/ });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(
      await within(dialog).findByText("Tier '10PerMin' is used by application 'Shop'"),
    ).toBeInTheDocument();
  });

  it("shows a subscription tier's permissions, subscriber count and attributes, and copes with older answers", async () => {
    mockFetch(() => ({
      body: {
        count: 2,
        list: [
          {
            ...policy('Gold', 5000),
            rateLimitCount: 20,
            rateLimitTimeUnit: 'sec',
            stopOnQuotaReach: true,
            billingPlan: 'FREE',
            subscriberCount: 12,
            customAttributes: [{ name: 'sla', value: '99.9%' }],
            permissions: { permissionType: 'DENY', roles: ['guest'] },
          },
          // No burst, attributes, permissions or subscriber count at all.
          { ...policy('Bronze', 1000), stopOnQuotaReach: true, billingPlan: 'FREE' },
        ],
      },
    }));
    renderPage(<PoliciesPage level="subscription" />);
    const gold = (await screen.findByText('Gold')).closest('tr')!;
    expect(within(gold).getByText('All but guest')).toBeInTheDocument();
    expect(within(gold).getByText('12')).toBeInTheDocument();
    expect(within(gold).getByText('sla: 99.9%')).toBeInTheDocument();
    expect(within(gold).getByText('20 per second')).toBeInTheDocument();
    const bronze = screen.getByText('Bronze').closest('tr')!;
    expect(within(bronze).getByText('Everyone')).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Subscriber count' })).toBeInTheDocument();
  });

  it("shows an application tier's burst limit", async () => {
    mockFetch(() => ({
      body: {
        count: 1,
        list: [{ ...policy('10PerMin', 10), burstLimit: { rateLimitCount: 3, rateLimitTimeUnit: 'sec' } }],
      },
    }));
    renderPage(<PoliciesPage level="application" />);
    const row = (await screen.findByText('10PerMin')).closest('tr')!;
    expect(within(row).getByText('3 per second')).toBeInTheDocument();
  });
});
