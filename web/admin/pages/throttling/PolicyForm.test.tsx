import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { choose } from '../../test/select';
import { PolicyForm } from './PolicyForm';
import type { AnyPolicy, ApplicationPolicy, PolicyLevel, SubscriptionPolicy } from '../../api/types';

afterEach(() => vi.unstubAllGlobals());

/** The form of a `level` policy (a new one, or `policy`), and the user who fills it in. */
function renderForm(level: PolicyLevel, policy?: AnyPolicy, onDone: () => void = () => {}) {
  const user = userEvent.setup({ delay: null });
  renderPage(<PolicyForm level={level} policy={policy} onDone={onDone} />);
  return user;
}

/** A server that takes the policy sent, answering `status` with it under `policyId`. */
function acceptingServer(status: number, policyId: string) {
  return mockFetch((_m, _u, body) => ({ status, body: { policyId, ...(body as object) } }));
}

/** A server that refuses every policy with a 400 naming what is wrong. */
function refusingServer(description: string) {
  return mockFetch(() => ({ status: 400, body: { code: 400, message: 'Bad Request', description } }));
}

/** The JSON body of the first request sent. */
function firstBody(fetchMock: ReturnType<typeof mockFetch>) {
  return JSON.parse(fetchMock.mock.calls[0][1]!.body as string) as Record<string, unknown>;
}

/** Fills in a new policy's name and its quota of requests. */
async function fillNameAndRequests(user: ReturnType<typeof userEvent.setup>, name: string, requests: string) {
  await user.type(screen.getByLabelText(/^Name/), name);
  await user.type(screen.getByLabelText(/^Requests(?! \(burst)/), requests);
}

/** The Gold subscription tier as the server keeps it: 5000 requests a minute, free, no burst limit. */
function goldTier(more: Partial<SubscriptionPolicy>): SubscriptionPolicy {
  return {
    policyId: 's1',
    policyName: 'Gold',
    defaultLimit: {
      type: 'REQUESTCOUNTLIMIT',
      requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 5000 },
    },
    rateLimitCount: 0,
    rateLimitTimeUnit: null,
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
    ...more,
  };
}

describe('throttling policy form', { timeout: 30_000 }, () => {
  it('creates a request count policy', async () => {
    const fetchMock = acceptingServer(201, 'p1');
    const onDone = vi.fn();
    const user = renderForm('application', undefined, onDone);
    await fillNameAndRequests(user, 'E2EFivePerMin', '5');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(fetchMock.mock.calls[0][0]).toBe('/api/am/admin/v4/throttling/policies/application');
    expect(firstBody(fetchMock)).toEqual({
      policyName: 'E2EFivePerMin',
      displayName: 'E2EFivePerMin',
      description: '',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 5 },
      },
      burstLimit: { rateLimitCount: 0, rateLimitTimeUnit: null },
    });
  });

  it("edits an application policy's burst limit", async () => {
    const fetchMock = acceptingServer(200, 'a1');
    const policy: ApplicationPolicy = {
      policyId: 'a1',
      policyName: '10PerMin',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 10 },
      },
      burstLimit: { rateLimitCount: 5, rateLimitTimeUnit: 'sec' },
    };
    const user = renderForm('application', policy);
    expect(screen.getByLabelText(/^Requests \(burst\)/)).toHaveValue('5');
    await user.clear(screen.getByLabelText(/^Requests \(burst\)/));
    await user.type(screen.getByLabelText(/^Requests \(burst\)/), '3');
    await choose(user, 'Burst time unit', 'per minute');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(firstBody(fetchMock)).toMatchObject({
      burstLimit: { rateLimitCount: 3, rateLimitTimeUnit: 'min' },
    });
  });

  it("puts the server's message about the burst limit under its field", async () => {
    refusingServer("'burstLimit.rateLimitCount' must not be negative");
    const user = renderForm('application');
    await fillNameAndRequests(user, 'Spiky', '5');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Requests \(burst\)/)).toHaveAccessibleDescription(
        expect.stringContaining("'burstLimit.rateLimitCount' must not be negative"),
      ),
    );
  });

  it('sets who may subscribe with a tier and its custom attributes, keeping the subscriber count', async () => {
    const fetchMock = acceptingServer(200, 's1');
    // An older answer: no customAttributes, permissions null.
    const user = renderForm('subscription', goldTier({ subscriberCount: 7, permissions: null }));
    expect(screen.getByLabelText(/^Subscriber count/)).toHaveAttribute('readonly');
    expect(screen.getByLabelText(/^Subscriber count/)).toHaveValue('7');
    expect(screen.queryByLabelText(/^Roles/, { selector: 'input' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Only these roles' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Name at least one role')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText(/^Roles/, { selector: 'input' }), 'creator{enter}partners{enter}');
    await user.click(screen.getByRole('button', { name: 'Add an attribute' }));
    await user.type(screen.getByLabelText(/^Attribute 1 name/), 'sla');
    await user.type(screen.getByLabelText(/^Attribute 1 value/), '99.9%');
    await user.click(screen.getByRole('button', { name: 'Add an attribute' }));
    await user.type(screen.getByLabelText(/^Attribute 2 name/), 'sla');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText("'sla' is given twice")).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Remove attribute 2' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(firstBody(fetchMock)).toMatchObject({
      subscriberCount: 7,
      permissions: { permissionType: 'ALLOW', roles: ['creator', 'partners'] },
      customAttributes: [{ name: 'sla', value: '99.9%' }],
    });
  });

  it("shows the server's refusal of a tier's roles under Roles", async () => {
    refusingServer("'permissions.roles[0]' must be a role name");
    const user = renderForm('subscription');
    await fillNameAndRequests(user, 'Partner', '5');
    await user.click(screen.getByRole('radio', { name: 'All but these roles' }));
    await user.type(screen.getByLabelText(/^Roles/, { selector: 'input' }), 'guest{enter}');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Roles/, { selector: 'input' })).toHaveAccessibleDescription(
        expect.stringContaining("'permissions.roles[0]' must be a role name"),
      ),
    );
  });

  it('switches the quota to bandwidth', async () => {
    const fetchMock = acceptingServer(201, 'p1');
    const user = renderForm('application');
    expect(screen.queryByLabelText(/^Data amount/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Bandwidth' }));
    expect(screen.queryByLabelText(/^Requests(?! \(burst)/)).not.toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Name/), 'Big');
    await user.type(screen.getByLabelText(/^Data amount/), '10');
    await choose(user, 'Data unit', 'GB');
    await choose(user, 'Time unit', 'hour(s)');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(firstBody(fetchMock).defaultLimit).toEqual({
      type: 'BANDWIDTHLIMIT',
      bandwidth: { timeUnit: 'hour', unitTime: 1, dataAmount: 10, dataUnit: 'GB' },
    });
  });

  it('checks the fields as the server does before sending', async () => {
    const fetchMock = mockFetch(() => ({ status: 500 }));
    const user = renderForm('application');
    await user.type(screen.getByLabelText(/^Name/), 'has space');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText("Only letters, digits, '_', '-' and '.'")).toBeInTheDocument();
    expect(screen.getByText('Enter a positive number of requests')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's message under the field it names, and a taken name under Name", async () => {
    let reply = {
      status: 400,
      body: {
        code: 400,
        message: 'Bad Request',
        description: "'defaultLimit.requestCount.unitTime' must be at most 1000",
      },
    };
    mockFetch(() => reply);
    const user = renderForm('application');
    await fillNameAndRequests(user, 'Gold', '5');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    const per = screen.getByLabelText(/^Per/);
    await waitFor(() =>
      expect(per).toHaveAccessibleDescription(
        expect.stringContaining("'defaultLimit.requestCount.unitTime' must be at most 1000"),
      ),
    );
    reply = {
      status: 409,
      body: {
        code: 409,
        message: 'Conflict',
        description: "A application policy named 'Gold' already exists",
      },
    };
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Name/)).toHaveAccessibleDescription(
        expect.stringContaining("A application policy named 'Gold' already exists"),
      ),
    );
  });

  it('edits a subscription policy: name read-only, burst control and billing', async () => {
    const fetchMock = acceptingServer(200, 's1');
    const user = renderForm('subscription', goldTier({ displayName: 'Gold', description: '' }));
    expect(screen.getByLabelText(/^Name/)).toHaveAttribute('readonly');
    await user.type(screen.getByLabelText(/^Requests \(burst\)/), '{selectall}20');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Choose per second or per minute')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
    await choose(user, 'Burst time unit', 'per second');
    await choose(user, 'Billing plan', 'Commercial');
    await user.click(screen.getByRole('switch', { name: /Stop on quota reach/ }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/am/admin/v4/throttling/policies/subscription/s1');
    expect(init!.method).toBe('PUT');
    expect(firstBody(fetchMock)).toMatchObject({
      policyName: 'Gold',
      rateLimitCount: 20,
      rateLimitTimeUnit: 'sec',
      billingPlan: 'COMMERCIAL',
      stopOnQuotaReach: false,
    });
  });
});
