import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { ApiDetail, LifecycleChange } from '../../api/types';
import { LifecycleTab } from './LifecycleTab';

afterEach(() => vi.unstubAllGlobals());

const apiObj: ApiDetail = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'CREATED',
  policies: ['Unlimited'],
  endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://b' } },
};

const created = {
  state: 'CREATED',
  checkItems: [
    { name: 'Deprecate old versions after publishing the API', value: false, requiredStates: [] },
    { name: 'Requires re-subscription when publishing the API', value: false, requiredStates: [] },
  ],
  availableTransitions: [
    { event: 'Publish', targetState: 'PUBLISHED' },
    { event: 'Deploy as a Prototype', targetState: 'PROTOTYPED' },
  ],
};
const published = {
  state: 'PUBLISHED',
  checkItems: [],
  availableTransitions: [
    { event: 'Block', targetState: 'BLOCKED' },
    { event: 'Deprecate', targetState: 'DEPRECATED' },
  ],
};

describe('Lifecycle tab', () => {
  it(
    'offers the allowed actions, sends the check-list, and shows the new state and history',
    { timeout: 30_000 },
    async () => {
      let state = created;
      const history: LifecycleChange[] = [
        { previousState: null, postState: 'CREATED', user: 'admin', updatedTime: '2025-01-02T03:04:05Z' },
      ];
      const calls: string[] = [];
      mockFetch((method, url) => {
        if (url.endsWith('/lifecycle-state')) return { body: state };
        if (url.endsWith('/lifecycle-history')) return { body: { count: history.length, list: history } };
        if (method === 'POST' && url.includes('/change-lifecycle')) {
          calls.push(url);
          state = published;
          history.push({
            previousState: 'CREATED',
            postState: 'PUBLISHED',
            user: 'admin',
            updatedTime: '2025-01-02T03:05:00Z',
          });
          return { body: { workflowStatus: 'APPROVED', lifecycleState: published } };
        }
        return { status: 404, body: {} };
      });
      renderPage(<LifecycleTab api={apiObj} />, {
        session: testSession({ scopes: ['apim:api_view', 'apim:api_publish'] }),
      });
      const user = userEvent.setup();
      expect(await screen.findByText('Created as CREATED')).toBeInTheDocument();
      await user.click(screen.getByLabelText('Requires re-subscription when publishing the API'));
      await user.click(await screen.findByRole('button', { name: 'Publish' }));
      await waitFor(() => expect(calls).toHaveLength(1));
      const sent = new URL(calls[0], 'http://x').searchParams;
      expect(sent.get('apiId')).toBe('a1');
      expect(sent.get('action')).toBe('Publish');
      expect(sent.get('lifecycleChecklist')).toBe(
        'Deprecate old versions after publishing the API:false,Requires re-subscription when publishing the API:true',
      );
      expect(await screen.findByRole('button', { name: 'Block' })).toBeInTheDocument();
      expect(await screen.findByText('CREATED → PUBLISHED')).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Publish' })).not.toBeInTheDocument();
    },
  );

  it("asks before blocking and shows the server's refusal", { timeout: 30_000 }, async () => {
    mockFetch((method, url) => {
      if (url.endsWith('/lifecycle-state')) return { body: published };
      if (url.endsWith('/lifecycle-history')) return { body: { count: 0, list: [] } };
      if (method === 'POST')
        return {
          status: 409,
          body: {
            code: 409,
            message: 'Conflict',
            description: 'Another lifecycle change of this API won the race',
          },
        };
      return { status: 404, body: {} };
    });
    renderPage(<LifecycleTab api={{ ...apiObj, lifeCycleStatus: 'PUBLISHED' }} />, {
      session: testSession({ scopes: ['apim:api_view', 'apim:api_publish'] }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Block' }));
    const dialog = await screen.findByRole('dialog', { name: 'Block Pets?' });
    expect(dialog).toHaveTextContent('503');
    await user.click(within(dialog).getByRole('button', { name: 'Block' }));
    expect(await screen.findByText('Another lifecycle change of this API won the race')).toBeInTheDocument();
  });

  it('needs the publisher scope to change the state', async () => {
    mockFetch((_m, url) =>
      url.endsWith('/lifecycle-state') ? { body: created } : { body: { count: 0, list: [] } },
    );
    renderPage(<LifecycleTab api={apiObj} />, { session: testSession({ scopes: ['apim:api_view'] }) });
    expect(await screen.findByRole('button', { name: 'Publish' })).toBeDisabled();
    expect(screen.getByText(/needs the publisher role/)).toBeInTheDocument();
  });
});
