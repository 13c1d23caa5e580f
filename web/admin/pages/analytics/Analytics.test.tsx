import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { renderPage } from '@shared/test/render';
import { fakeAnalytics } from '@shared/test/analytics';
import { AnalyticsIndex, AnalyticsLayout } from './AnalyticsLayout';
import { ErrorsPage } from './ErrorsPage';
import { EventsPage } from './EventsPage';
import { LatencyPage } from './LatencyPage';
import { OverviewPage } from './OverviewPage';
import { ThrottlingPage } from './ThrottlingPage';
import { TrafficPage } from './TrafficPage';

vi.mock('@shared/components/EChart', () => import('@shared/test/EChartStub'));
afterEach(() => vi.unstubAllGlobals());

function renderAnalytics(path: string) {
  return renderPage(
    <Routes>
      <Route path="analytics" element={<AnalyticsLayout />}>
        <Route index element={<AnalyticsIndex />} />
        <Route path="overview" element={<OverviewPage />} />
        <Route path="traffic" element={<TrafficPage />} />
        <Route path="errors" element={<ErrorsPage />} />
        <Route path="latency" element={<LatencyPage />} />
        <Route path="throttling" element={<ThrottlingPage />} />
        <Route path="events" element={<EventsPage />} />
      </Route>
    </Routes>,
    { path },
  );
}

const tile = (name: string) => screen.findByRole('group', { name });
const last = <T,>(xs: T[]) => xs[xs.length - 1];

describe('admin analytics', { timeout: 30_000 }, () => {
  it('overview shows the summary counts from the server', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics');
    expect(within(await tile('Calls')).getByText('1,234')).toBeInTheDocument();
    expect(within(await tile('Errors')).getByText('56')).toBeInTheDocument();
    expect(within(await tile('Errors')).getByText('4.5% of calls')).toBeInTheDocument();
    expect(within(await tile('Throttled')).getByText('7')).toBeInTheDocument();
    expect(within(await tile('Latency p95')).getByText('48.5 ms')).toBeInTheDocument();
    expect(within(await tile('Data')).getByText('1.0 MB')).toBeInTheDocument();
    // The traffic chart's numbers in words, and the busiest APIs and applications.
    expect(await screen.findByText(/^Calls: 1,234 in total, at most 534/)).toBeInTheDocument();
    const apis = await screen.findByRole('table', { name: 'Top APIs' });
    expect(within(apis).getAllByRole('row')[1]).toHaveTextContent(/PetStore 1\.0\.0.*1,000.*50.*7.*45 ms/);
    const apps = await screen.findByRole('table', { name: 'Top applications' });
    expect(within(apps).getByText('Mobile (alice)')).toBeInTheDocument();
    // Every route was asked for the last 24 hours, the server choosing the granularity.
    const summary = calls.find((c) => c.route === 'summary')!;
    expect(Date.parse(summary.params.get('to')!) - Date.parse(summary.params.get('from')!)).toBe(86_400_000);
    expect(summary.params.has('granularity')).toBe(false);
    expect(calls.find((c) => c.route === 'top-apis')!.params.get('limit')).toBe('10');
  });

  it('shows the numbers of a chart as a table on request', async () => {
    fakeAnalytics();
    renderAnalytics('/analytics/overview');
    await userEvent.click(await screen.findByRole('button', { name: 'Show as a table' }));
    const table = await screen.findByRole('table', { name: /Traffic: calls, errors, throttled per hour/ });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toHaveTextContent(/534\s*40\s*7/);
  });

  it('clicking an API in the top list filters the dashboard by that API', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics/overview');
    await userEvent.click(await screen.findByRole('button', { name: 'Show only PetStore 1.0.0' }));
    const chip = await screen.findByText('API: PetStore 1.0.0');
    expect(chip).toBeInTheDocument();
    await waitFor(() => {
      for (const route of ['summary', 'traffic', 'top-apis', 'top-applications'])
        expect(last(calls.filter((c) => c.route === route)).params.get('apiId')).toBe('api-pets');
    });
    // The filter follows to the other tabs, and clearing it shows all traffic again.
    await userEvent.click(screen.getByRole('tab', { name: 'Errors' }));
    await screen.findByRole('table', { name: 'Errors by category' });
    expect(last(calls.filter((c) => c.route === 'errors')).params.get('apiId')).toBe('api-pets');
    await userEvent.click(screen.getByRole('button', { name: 'Clear the filter API: PetStore 1.0.0' }));
    await waitFor(() => expect(screen.queryByText('API: PetStore 1.0.0')).not.toBeInTheDocument());
    await waitFor(() =>
      expect(last(calls.filter((c) => c.route === 'errors')).params.has('apiId')).toBe(false),
    );
  });

  it('a linked filter applies when the page opens', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics?applicationId=app-mobile&applicationName=Mobile&range=7d&granularity=day');
    expect(await screen.findByText('Application: Mobile')).toBeInTheDocument();
    await screen.findByRole('table', { name: 'Top APIs' });
    const topApis = last(calls.filter((c) => c.route === 'top-apis'));
    expect(topApis.params.get('applicationId')).toBe('app-mobile');
    expect(topApis.params.get('granularity')).toBe('day');
    expect(Date.parse(topApis.params.get('to')!) - Date.parse(topApis.params.get('from')!)).toBe(
      7 * 86_400_000,
    );
  });

  it('time picker change refetches with the new range', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics/overview');
    await tile('Calls');
    await userEvent.click(screen.getByRole('radio', { name: 'Last hour' }));
    await waitFor(() => {
      const s = last(calls.filter((c) => c.route === 'summary'));
      expect(Date.parse(s.params.get('to')!) - Date.parse(s.params.get('from')!)).toBe(3_600_000);
    });
    // A granularity too fine for 30 days (43 200 minutes) cannot be chosen.
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Granularity' }), 'minute');
    await waitFor(() =>
      expect(last(calls.filter((c) => c.route === 'traffic')).params.get('granularity')).toBe('minute'),
    );
    await userEvent.click(screen.getByRole('radio', { name: 'Last 30 days' }));
    await waitFor(() => {
      const t = last(calls.filter((c) => c.route === 'traffic'));
      expect(Date.parse(t.params.get('to')!) - Date.parse(t.params.get('from')!)).toBe(30 * 86_400_000);
      expect(t.params.has('granularity')).toBe(false);
    });
    expect(screen.getByRole('option', { name: 'Per minute' })).toBeDisabled();
  });

  it('refresh fetches every panel again for the window ending now', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics/overview');
    await screen.findByRole('table', { name: 'Top applications' });
    const before = calls.filter((c) => c.route === 'summary').length;
    const firstTo = Date.parse(calls.find((c) => c.route === 'summary')!.params.get('to')!);
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => {
      for (const route of ['summary', 'traffic', 'top-apis', 'top-applications'])
        expect(calls.filter((c) => c.route === route).length).toBeGreaterThan(before);
    });
    expect(
      Date.parse(last(calls.filter((c) => c.route === 'summary')).params.get('to')!),
    ).toBeGreaterThanOrEqual(firstTo);
  });

  it('a custom range asks for exactly that window', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics/overview');
    await tile('Calls');
    await userEvent.click(screen.getByRole('radio', { name: 'Custom' }));
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await userEvent.clear(from);
    await userEvent.type(from, '2026-12-01T10:00');
    await userEvent.clear(to);
    await userEvent.type(to, '2026-12-01T09:00');
    expect(await screen.findByText('From must be before To')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await userEvent.clear(to);
    await userEvent.type(to, '2026-12-01T12:00');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => {
      const s = last(calls.filter((c) => c.route === 'summary'));
      expect(s.params.get('from')).toBe(new Date('2026-12-01T10:00').toISOString());
      expect(s.params.get('to')).toBe(new Date('2026-12-01T12:00').toISOString());
    });
  });

  it('problem body from the server is shown', async () => {
    fakeAnalytics((route) =>
      route === 'summary' || route === 'traffic'
        ? { status: 400, body: { code: 400, message: 'Bad Request', description: 'from must be before to' } }
        : undefined,
    );
    renderAnalytics('/analytics/overview');
    const alerts = await screen.findAllByRole('alert');
    expect(alerts[0]).toHaveTextContent('The summary could not be loaded (HTTP 400)');
    expect(alerts[0]).toHaveTextContent('from must be before to');
    expect(await screen.findByText('Traffic could not be loaded (HTTP 400)')).toBeInTheDocument();
    // What did load still shows.
    expect(await screen.findByRole('table', { name: 'Top APIs' })).toBeInTheDocument();
  });

  it('errors show by category, over time and by status and code', async () => {
    fakeAnalytics();
    renderAnalytics('/analytics/errors');
    const byCategory = await screen.findByRole('table', { name: 'Errors by category' });
    const rows = within(byCategory).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'Authentication30',
      'Throttling7',
      'Routing4',
      'Mediation0',
      'Backend unreachable5',
      'Backend errors10',
      'Other0',
    ]);
    const list = await screen.findByRole('table', { name: 'Errors by status and code' });
    expect(within(list).getAllByRole('row')[1]).toHaveTextContent(/Authentication\s*401\s*900901\s*30/);
    expect(screen.getByText(/^Authentication: 30 in total, at most 10/)).toBeInTheDocument();
    expect(within(await tile('Error rate')).getByText('4.5%')).toBeInTheDocument();
  });

  it('traffic shows calls, errors and throttled calls over time and the top subscribers', async () => {
    fakeAnalytics();
    renderAnalytics('/analytics/traffic');
    expect(await screen.findByText(/^Calls: 1,234 in total, at most 534/)).toBeInTheDocument();
    expect(await screen.findByText(/^Errors: 56 in total, at most 40/)).toBeInTheDocument();
    const users = await screen.findByRole('table', { name: 'Top subscribers' });
    expect(within(users).getAllByRole('row')[1]).toHaveTextContent(/alice\s*900\s*40/);
    expect(within(await tile('Data')).getByText('2.0 KB in · 1.0 MB out')).toBeInTheDocument();
  });

  it('latency shows the percentiles and the backend p95', async () => {
    fakeAnalytics();
    renderAnalytics('/analytics/latency');
    expect(await screen.findByText(/^p99: highest 290 ms/)).toBeInTheDocument();
    expect(screen.getByText(/^Backend p95: highest 30 ms/)).toBeInTheDocument();
    expect(within(await tile('Backend p95')).getByText('30 ms')).toBeInTheDocument();
  });

  it('throttling shows policies and applications; an application drills down', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics/throttling');
    const byPolicy = await screen.findByRole('table', { name: 'Throttled calls by policy' });
    expect(within(byPolicy).getAllByRole('row')[1]).toHaveTextContent('10PerMin7');
    await userEvent.click(screen.getByRole('button', { name: 'Show only Mobile' }));
    expect(await screen.findByText('Application: Mobile')).toBeInTheDocument();
    await waitFor(() =>
      expect(last(calls.filter((c) => c.route === 'throttling')).params.get('applicationId')).toBe(
        'app-mobile',
      ),
    );
  });

  it('an empty period says so instead of drawing zeros', async () => {
    fakeAnalytics((route) =>
      route === 'traffic'
        ? {
            body: {
              from: '2026-12-06T20:00:00Z',
              to: '2026-12-06T21:00:00Z',
              granularity: 'minute',
              list: [
                {
                  time: '2026-12-06T20:00:00Z',
                  count: 0,
                  errors: 0,
                  throttled: 0,
                  requestBytes: 0,
                  responseBytes: 0,
                },
              ],
            },
          }
        : route === 'top-apis'
          ? { body: { from: '', to: '', list: [] } }
          : undefined,
    );
    renderAnalytics('/analytics/overview');
    await waitFor(() => expect(screen.getAllByText('No calls in this period.')).toHaveLength(2));
    expect(screen.queryByRole('img', { name: /Traffic/ })).not.toBeInTheDocument();
  });

  it('events are listed a page at a time', async () => {
    const calls = fakeAnalytics();
    renderAnalytics('/analytics/events');
    const table = await screen.findByRole('table', { name: 'Events' });
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent(
      /PetStore 1\.0\.0.*GET \/pets\/\{id\}.*Mobile.*401.*Authentication.*1\.5 ms/,
    );
    expect(screen.getByText('60 in all')).toBeInTheDocument();
    expect(last(calls.filter((c) => c.route === 'events')).params.get('offset')).toBe('0');
    await userEvent.click(screen.getByRole('button', { name: 'Page 3' }));
    await waitFor(() =>
      expect(last(calls.filter((c) => c.route === 'events')).params.get('offset')).toBe('50'),
    );
    expect(last(calls.filter((c) => c.route === 'events')).params.get('limit')).toBe('25');
  });
});
