import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { mockFetch, renderPage } from '@shared/test/render';
import type { Alert, AlertRule } from '@shared/analytics/alerts';
import { choose, fill } from '../../test/select';
import { AlertsPage, validateRule } from './AlertsPage';
import { AnalyticsLayout } from './AnalyticsLayout';

afterEach(() => vi.unstubAllGlobals());

const RULES = '/api/am/admin/v4/analytics/alert-rules';
const ALERTS = '/api/am/admin/v4/analytics/alerts';

const petsRule: AlertRule = {
  id: 'r1',
  name: 'Pets failing',
  type: 'errorRate',
  apiId: 'api-pets',
  applicationId: null,
  threshold: 0.1,
  windowMinutes: 5,
  webhookUrl: 'http://hooks.test/pets',
  enabled: true,
};
const slowRule: AlertRule = {
  id: 'r2',
  name: 'Slow everywhere',
  type: 'latencyP95',
  apiId: null,
  applicationId: null,
  threshold: 500,
  windowMinutes: 10,
  webhookUrl: 'http://hooks.test/slow',
  enabled: false,
};
const alerts: Alert[] = [
  {
    id: 'a2',
    ruleId: 'r1',
    ruleName: 'Pets failing',
    state: 'firing',
    value: 0.42,
    threshold: 0.1,
    firedAt: '2026-12-06T20:30:00Z',
    resolvedAt: null,
  },
  {
    id: 'a1',
    ruleId: 'r2',
    ruleName: 'Slow everywhere',
    state: 'resolved',
    value: 120,
    threshold: 500,
    firedAt: '2026-12-06T18:00:00Z',
    resolvedAt: '2026-12-06T18:05:00Z',
  },
];

interface Call {
  method: string;
  url: string;
  body: unknown;
}

/** A fake server of rules and alerts; `refuse` answers the next write with that problem. */
function fakeServer(options: { refuse?: { status: number; message: string } } = {}) {
  let rules = [petsRule, slowRule];
  const calls: Call[] = [];
  mockFetch((method, url, body) => {
    calls.push({ method, url, body });
    const path = new URL(url, 'http://x').pathname;
    if (path.endsWith('/admin/v4/apis'))
      return {
        body: {
          count: 2,
          apis: [
            { id: 'api-pets', name: 'PetStore', version: '1.0.0', provider: 'admin' },
            { id: 'api-orders', name: 'Orders', version: '2.0.0', provider: 'admin' },
          ],
        },
      };
    if (path === ALERTS) return { body: { count: alerts.length, list: alerts } };
    if (method !== 'GET' && options.refuse) {
      const r = options.refuse;
      options.refuse = undefined;
      return { status: r.status, body: { code: r.status, message: r.message } };
    }
    if (path === RULES && method === 'POST') {
      const created = { ...(body as AlertRule), id: 'r3' };
      rules = [...rules, created];
      return { status: 201, body: created };
    }
    if (path.startsWith(`${RULES}/`)) {
      const id = decodeURIComponent(path.slice(RULES.length + 1));
      if (method === 'PUT') {
        rules = rules.map((r) => (r.id === id ? { ...(body as AlertRule), id } : r));
        return { body: { ...(body as AlertRule), id } };
      }
      if (method === 'DELETE') {
        rules = rules.filter((r) => r.id !== id);
        return { status: 200 };
      }
    }
    if (path === RULES) return { body: { count: rules.length, list: rules } };
    return { status: 404, body: { code: 404, message: `no route ${path}` } };
  });
  return calls;
}

function renderAlerts() {
  return renderPage(
    <Routes>
      <Route path="analytics" element={<AnalyticsLayout />}>
        <Route path="alerts" element={<AlertsPage />} />
      </Route>
    </Routes>,
    { path: '/analytics/alerts' },
  );
}

describe('analytics alerts page', { timeout: 150_000 }, () => {
  it('lists the firing alert with its API, since when and value against the threshold', async () => {
    fakeServer();
    renderAlerts();
    const firing = await screen.findByRole('table', { name: 'Firing alerts' });
    const row = await waitFor(() => {
      const r = within(firing).getAllByRole('row')[1];
      expect(r).toHaveTextContent('PetStore 1.0.0');
      return r;
    });
    expect(row).toHaveTextContent('Pets failing');
    expect(row).toHaveTextContent('42%');
    expect(row).toHaveTextContent('Error rate above 10%');
    expect(row).toHaveTextContent(/2026-12-06 \d\d:30:00/);
    // The cleared alert is apart, with when it cleared; the time picker is not shown for alerts.
    const cleared = screen.getByRole('table', { name: 'Cleared alerts' });
    expect(within(cleared).getAllByRole('row')[1]).toHaveTextContent(/Slow everywhere.*Every API/);
    expect(within(cleared).getAllByRole('row')[1]).toHaveTextContent('500 ms');
    expect(screen.queryByRole('radio', { name: 'Last hour' })).not.toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Alerts', selected: true })).toBeInTheDocument();
    // The rules, enabled or not.
    const rules = screen.getByRole('table', { name: 'Alert rules' });
    expect(within(rules).getAllByRole('row')[2]).toHaveTextContent(
      /Slow everywhere.*Latency p95 above 500 ms.*10 min.*Disabled/,
    );
  });

  it('creates a rule for an API with its threshold, window and webhook', async () => {
    const user = userEvent.setup({ delay: null });
    const calls = fakeServer();
    renderAlerts();
    await screen.findByRole('table', { name: 'Alert rules' });
    await user.click(screen.getByRole('button', { name: 'Create alert rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create alert rule' });
    await fill(user, within(dialog).getByRole('textbox', { name: 'Name' }), 'Orders throttled');
    await choose(user, 'Type', 'Throttled calls above');
    await waitFor(() =>
      expect(screen.getByRole('option', { name: 'Orders 2.0.0', hidden: true })).toBeDefined(),
    );
    await choose(user, 'API', 'Orders 2.0.0');
    const threshold = within(dialog).getByRole('textbox', { name: 'Threshold' });
    await user.clear(threshold);
    await user.type(threshold, '25');
    const window = within(dialog).getByRole('textbox', { name: 'Window (minutes)' });
    await user.clear(window);
    await user.type(window, '15');
    await fill(
      user,
      within(dialog).getByRole('textbox', { name: 'Webhook URL' }),
      'https://hooks.test/orders',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url).toContain(RULES);
    expect(post.body).toEqual({
      name: 'Orders throttled',
      type: 'throttling',
      apiId: 'api-orders',
      applicationId: null,
      threshold: 25,
      windowMinutes: 15,
      webhookUrl: 'https://hooks.test/orders',
      enabled: true,
    });
    const rules = await screen.findByRole('table', { name: 'Alert rules' });
    await waitFor(() => expect(within(rules).getAllByRole('row')).toHaveLength(4));
    expect(within(rules).getAllByRole('row')[3]).toHaveTextContent(
      /Orders throttled.*Throttled calls above 25.*Orders 2\.0\.0/,
    );
  });

  it("shows the server's refusal under the field it names", async () => {
    const user = userEvent.setup({ delay: null });
    fakeServer({
      refuse: { status: 400, message: "'webhookUrl' must be an http or https URL, got 'http://'" },
    });
    renderAlerts();
    await screen.findByRole('table', { name: 'Alert rules' });
    await user.click(screen.getByRole('button', { name: 'Edit alert rule Pets failing' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit alert rule Pets failing' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText("'webhookUrl' must be an http or https URL, got 'http://'"),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Webhook URL' })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
  });

  it('edits a rule keeping its id, and deletes one after asking', async () => {
    const user = userEvent.setup({ delay: null });
    const calls = fakeServer();
    renderAlerts();
    await screen.findByRole('table', { name: 'Alert rules' });
    await user.click(screen.getByRole('button', { name: 'Edit alert rule Slow everywhere' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit alert rule Slow everywhere' });
    await user.click(within(dialog).getByRole('switch', { name: 'Enabled' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.url).toContain(`${RULES}/r2`);
    expect(put.body).toMatchObject({
      name: 'Slow everywhere',
      type: 'latencyP95',
      threshold: 500,
      enabled: true,
    });

    await user.click(screen.getByRole('button', { name: 'Delete alert rule Pets failing' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete alert rule Pets failing?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.url.endsWith(`${RULES}/r1`))).toBe(true),
    );
    const rules = screen.getByRole('table', { name: 'Alert rules' });
    await waitFor(() => expect(within(rules).queryByText('Pets failing')).not.toBeInTheDocument());
  });

  it('validates a rule before sending it', () => {
    const ok = {
      name: 'x',
      type: 'errorRate' as const,
      apiId: '',
      threshold: 0.5,
      windowMinutes: 5,
      webhookUrl: 'http://h/x',
      enabled: true,
    };
    expect(validateRule(ok)).toEqual({});
    expect(validateRule({ ...ok, threshold: 2 })).toHaveProperty('threshold');
    expect(validateRule({ ...ok, type: 'latencyP95', threshold: 2 })).toEqual({});
    expect(validateRule({ ...ok, windowMinutes: 0 })).toHaveProperty('windowMinutes');
    expect(validateRule({ ...ok, windowMinutes: 1.5 })).toHaveProperty('windowMinutes');
    expect(validateRule({ ...ok, webhookUrl: 'ftp://h' })).toHaveProperty('webhookUrl');
    expect(validateRule({ ...ok, name: '  ' })).toHaveProperty('name');
  });
});
