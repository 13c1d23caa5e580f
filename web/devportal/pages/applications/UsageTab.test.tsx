import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderPage, testSession } from '@shared/test/render';
import { fakeAnalytics } from '@shared/test/analytics';
import type { Application } from '../../api/types';
import { ApplicationPage } from './ApplicationPage';
import { UsageTab } from './UsageTab';

vi.mock('@shared/components/EChart', () => import('@shared/test/EChartStub'));
afterEach(() => vi.unstubAllGlobals());

const app: Application = { applicationId: 'app-mobile', name: 'Mobile', throttlingPolicy: 'Unlimited' };
const subscriber = () => testSession({ scopes: ['apim:subscribe'] });

describe('application usage', { timeout: 30_000 }, () => {
  it("shows the application's calls per API, errors and throttled calls from the Developer Portal's analytics", async () => {
    const calls = fakeAnalytics();
    renderPage(<UsageTab app={app} />, { path: '/applications/app-mobile/usage', session: subscriber() });
    expect(
      within(await screen.findByRole('group', { name: 'Calls' })).getByText('1,234'),
    ).toBeInTheDocument();
    expect(
      within(await screen.findByRole('group', { name: 'Throttled' })).getByText('7'),
    ).toBeInTheDocument();
    const perApi = await screen.findByRole('table', { name: 'Calls per API' });
    expect(within(perApi).getAllByRole('row')[1]).toHaveTextContent(/PetStore 1\.0\.0.*1,000/);
    expect(within(perApi).getAllByRole('row')[2]).toHaveTextContent(/Echo 2\.0\.0.*234/);
    expect(await screen.findByRole('table', { name: 'Errors by category' })).toHaveTextContent('Throttling7');
    const throttled = await screen.findByRole('region', { name: 'Throttled calls' });
    expect(await within(throttled).findByText(/^Throttled: 7 in total, at most 7/)).toBeInTheDocument();
    for (const c of calls) {
      expect(c.url.startsWith('/api/am/devportal/v3/analytics/')).toBe(true);
      expect(c.params.get('applicationId')).toBe('app-mobile');
    }
  });

  it('clicking an API shows the usage of that API only', async () => {
    const calls = fakeAnalytics();
    renderPage(<UsageTab app={app} />, { path: '/applications/app-mobile/usage', session: subscriber() });
    await userEvent.click(await screen.findByRole('button', { name: 'Show only Echo 2.0.0' }));
    expect(await screen.findByText('API: Echo 2.0.0')).toBeInTheDocument();
    await waitFor(() => {
      const s = calls.filter((c) => c.route === 'summary').at(-1)!;
      expect(s.params.get('apiId')).toBe('api-echo');
      expect(s.params.get('applicationId')).toBe('app-mobile');
    });
  });

  it('time picker change refetches with the new range', async () => {
    const calls = fakeAnalytics();
    renderPage(<UsageTab app={app} />, { path: '/applications/app-mobile/usage', session: subscriber() });
    await screen.findByRole('table', { name: 'Calls per API' });
    // The phone's select (the wide screen's segmented control is tested in the Admin portal).
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Time range' }), 'Last 7 days');
    await waitFor(() => {
      const t = calls.filter((c) => c.route === 'top-apis').at(-1)!;
      expect(Date.parse(t.params.get('to')!) - Date.parse(t.params.get('from')!)).toBe(7 * 86_400_000);
    });
  });

  it('problem body from the server is shown', async () => {
    fakeAnalytics((route) =>
      route === 'top-apis'
        ? {
            status: 403,
            body: { code: 403, message: 'Forbidden', description: 'The scope apim:subscribe is required' },
          }
        : undefined,
    );
    renderPage(<UsageTab app={app} />, { path: '/applications/app-mobile/usage', session: subscriber() });
    expect(await screen.findByText('Calls per API could not be loaded (HTTP 403)')).toBeInTheDocument();
    expect(screen.getByText('The scope apim:subscribe is required')).toBeInTheDocument();
  });

  it("the application page's Usage tab has its own URL", async () => {
    fakeAnalytics(undefined, (method, url) =>
      method === 'GET' && url.endsWith('/devportal/v3/applications/app-mobile') ? { body: app } : undefined,
    );
    renderPage(<ApplicationPage />, {
      route: '/applications/:applicationId/*',
      path: '/applications/app-mobile/usage',
      session: subscriber(),
    });
    expect(await screen.findByRole('tab', { name: 'Usage', selected: true })).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: 'Calls per API' })).toHaveTextContent('PetStore 1.0.0');
  });
});
