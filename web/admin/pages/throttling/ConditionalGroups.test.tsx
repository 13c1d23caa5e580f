import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { choose, fill } from '../../test/select';
import type { AdvancedPolicy } from '../../api/types';
import { PolicyForm } from './PolicyForm';

afterEach(() => vi.unstubAllGlobals());

const sent = (fetchMock: ReturnType<typeof mockFetch>) =>
  JSON.parse(fetchMock.mock.calls[0][1]!.body as string) as AdvancedPolicy;

describe('advanced policy condition editor', { timeout: 60_000 }, () => {
  it('builds conditional groups with IP range, header and inverted JWT claim conditions', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch((_m, _u, body) => ({
      status: 201,
      body: { policyId: 'a1', ...(body as object) },
    }));
    renderPage(<PolicyForm level="advanced" onDone={() => {}} />);
    await fill(user, screen.getByLabelText(/^Name/), 'OfficeBoost');
    await fill(user, screen.getAllByLabelText(/^Requests/)[0], '1000');
    await user.click(screen.getByRole('button', { name: 'Add conditional group' }));
    const group = screen.getByRole('group', { name: 'Conditional group 1' });
    await fill(user, within(group).getByLabelText('Group description'), 'office');
    await user.click(within(group).getByRole('radio', { name: 'IP range' }));
    await fill(user, within(group).getByLabelText(/^Starting IP/), '10.0.0.1');
    await fill(user, within(group).getByLabelText(/^Ending IP/), '10.0.0.255');
    await user.click(within(group).getByRole('button', { name: 'Add condition to group 1' }));
    await choose(user, 'Condition 2 type', 'Header');
    await fill(user, within(group).getByLabelText(/^Header name/), 'X-Tier');
    await fill(user, within(group).getByLabelText(/^Header value/), 'gold');
    await user.click(within(group).getByRole('button', { name: 'Add condition to group 1' }));
    await choose(user, 'Condition 3 type', 'JWT claim');
    await fill(user, within(group).getByLabelText(/^Claim name/), 'department');
    await fill(user, within(group).getByLabelText(/^Claim value/), 'sales');
    const third = screen.getByRole('group', { name: 'Condition 3 of group 1' });
    await user.click(within(third).getByRole('switch', { name: /Invert/ }));
    await fill(user, within(group).getByLabelText(/^Requests/), '5000');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(sent(fetchMock).conditionalGroups).toEqual([
      {
        description: 'office',
        conditions: [
          {
            type: 'IPCONDITION',
            invertCondition: false,
            ipCondition: { ipConditionType: 'IPRANGE', startingIP: '10.0.0.1', endingIP: '10.0.0.255' },
          },
          {
            type: 'HEADERCONDITION',
            invertCondition: false,
            headerCondition: { headerName: 'X-Tier', headerValue: 'gold' },
          },
          {
            type: 'JWTCLAIMSCONDITION',
            invertCondition: true,
            jwtClaimsCondition: { claimUrl: 'department', attribute: 'sales' },
          },
        ],
        limit: {
          type: 'REQUESTCOUNTLIMIT',
          requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 5000 },
        },
      },
    ]);
  });

  it('refuses a bad IP and a group without conditions before sending', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch(() => ({ status: 500 }));
    renderPage(<PolicyForm level="advanced" onDone={() => {}} />);
    await fill(user, screen.getByLabelText(/^Name/), 'P');
    await fill(user, screen.getAllByLabelText(/^Requests/)[0], '10');
    await user.click(screen.getByRole('button', { name: 'Add conditional group' }));
    await user.click(screen.getByRole('button', { name: 'Add conditional group' }));
    await fill(user, screen.getAllByLabelText(/^IP address/)[0], '10.0.0.300');
    const second = screen.getByRole('group', { name: 'Conditional group 2' });
    await user.click(within(second).getByRole('button', { name: 'Remove condition 1 of group 2' }));
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText("Not an IP address: '10.0.0.300'")).toBeInTheDocument();
    expect(within(second).getByText('A group needs at least one condition')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("puts the server's message under the condition field it names", async () => {
    const user = userEvent.setup({ delay: null });
    const message =
      "'conditionalGroups[0].conditions[0].ipCondition.specificIP' is not an IP address: '::ffff:999.1.1.1'";
    mockFetch(() => ({ status: 400, body: { code: 400, message: 'Bad Request', description: message } }));
    const policy: AdvancedPolicy = {
      policyId: 'a1',
      policyName: 'Edge',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 10 },
      },
      conditionalGroups: [
        {
          description: '',
          conditions: [
            {
              type: 'IPCONDITION',
              invertCondition: false,
              ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: '2001:db8::1' },
            },
          ],
          limit: {
            type: 'REQUESTCOUNTLIMIT',
            requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 20 },
          },
        },
      ],
    };
    renderPage(<PolicyForm level="advanced" policy={policy} onDone={() => {}} />);
    expect(screen.getByLabelText(/^IP address/)).toHaveValue('2001:db8::1');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^IP address/)).toHaveAccessibleDescription(
        expect.stringContaining(message),
      ),
    );
  });
});
