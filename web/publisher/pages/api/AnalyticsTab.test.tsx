import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderPage } from '@shared/test/render';
import { fakeAnalytics } from '@shared/test/analytics';
import type { ApiDetail } from '../../api/types';
import { AnalyticsTab } from './AnalyticsTab';
import { ApiPage } from './ApiPage';

vi.mock('@shared/components/EChart', () => import('@shared/test/EChartStub'));
afterEach(() => vi.unstubAllGlobals());

const apiObj: ApiDetail = {
  id: 'api-pets',
  name: 'PetStore',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'PUBLISHED',
  policies: ['Unlimited'],
  endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://b' } },
};

describe('publisher API analytics', { timeout: 30_000 }, () => {
  it("shows the API's calls, errors, latency and top applications from the Publisher's analytics", async () => {
    const calls = fakeAnalytics();
    // An API id in the URL (a link to another API) does not change whose numbers show.
    renderPage(<AnalyticsTab api={apiObj} />, { path: '/apis/api-pets/analytics?apiId=other' });
    expect(
      within(await screen.findByRole('group', { name: 'Calls' })).getByText('1,234'),
    ).toBeInTheDocument();
    expect(within(await screen.findByRole('group', { name: 'Errors' })).getByText('56')).toBeInTheDocument();
    expect(await screen.findByText(/^p95: highest 42 ms/)).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: 'Errors by category' })).toHaveTextContent(
      'Authentication30',
    );
    expect(await screen.findByRole('table', { name: 'Top applications' })).toHaveTextContent(
      'Mobile (alice)',
    );
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const c of calls) {
      expect(c.url.startsWith('/api/am/publisher/v4/analytics/')).toBe(true);
      expect(c.params.get('apiId')).toBe('api-pets');
    }
  });

  it('clicking an application narrows the API analytics to it', async () => {
    const calls = fakeAnalytics();
    renderPage(<AnalyticsTab api={apiObj} />, { path: '/apis/api-pets/analytics' });
    await userEvent.click(await screen.findByRole('button', { name: 'Show only Mobile' }));
    expect(await screen.findByText('Application: Mobile')).toBeInTheDocument();
    await waitFor(() => {
      const s = calls.filter((c) => c.route === 'summary').at(-1)!;
      expect(s.params.get('applicationId')).toBe('app-mobile');
      expect(s.params.get('apiId')).toBe('api-pets');
    });
  });

  it('problem body from the server is shown', async () => {
    fakeAnalytics(() => ({
      status: 404,
      body: { code: 404, message: 'Not Found', description: "No API with id 'api-pets'" },
    }));
    renderPage(<AnalyticsTab api={apiObj} />, { path: '/apis/api-pets/analytics' });
    expect(await screen.findByText('The summary could not be loaded (HTTP 404)')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getAllByText("No API with id 'api-pets'").length).toBeGreaterThanOrEqual(4),
    );
  });

  it("the API page's Analytics tab has its own URL", async () => {
    const calls = fakeAnalytics(undefined, (method, url) =>
      method === 'GET' && url.endsWith('/publisher/v4/apis/api-pets') ? { body: apiObj } : undefined,
    );
    renderPage(<ApiPage />, { route: '/apis/:apiId/*', path: '/apis/api-pets/analytics' });
    expect(await screen.findByRole('tab', { name: 'Analytics', selected: true })).toBeInTheDocument();
    expect(
      within(await screen.findByRole('group', { name: 'Calls' })).getByText('1,234'),
    ).toBeInTheDocument();
    expect(calls.every((c) => c.params.get('apiId') === 'api-pets')).toBe(true);
  });
});
