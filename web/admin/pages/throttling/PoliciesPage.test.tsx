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
});
