import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { ApiDetail, Revision } from '../../api/types';
import { RevisionsTab } from './RevisionsTab';
import { jsonDiff } from './RevisionCompare';

afterEach(() => vi.unstubAllGlobals());

const apiObj: ApiDetail = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'PUBLISHED',
  description: 'new text',
};
const session = () => testSession({ scopes: ['apim:api_view', 'apim:api_create', 'apim:api_publish'] });

describe('Revisions tab', () => {
  it('creates a revision and deploys it to the Default environment', { timeout: 30_000 }, async () => {
    const revisions: Revision[] = [];
    const sent: { method: string; url: string; body: unknown }[] = [];
    mockFetch((method, url, body) => {
      sent.push({ method, url, body });
      if (url.endsWith('/settings'))
        return { status: 404, body: { code: 404, message: 'Not Found', description: 'No such path' } };
      if (url.endsWith('/revisions') && method === 'GET')
        return { body: { count: revisions.length, list: revisions } };
      if (url.endsWith('/revisions') && method === 'POST') {
        const r = {
          id: 'r1',
          displayName: 'Revision 1',
          description: (body as { description: string }).description,
          createdTime: '2025-01-02T03:04:05Z',
          deploymentInfo: [],
        };
        revisions.push(r);
        return { status: 201, body: r };
      }
      if (url.includes('/deploy-revision')) {
        revisions[0] = {
          ...revisions[0],
          deploymentInfo: [{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }],
        };
        return { status: 201, body: revisions[0].deploymentInfo };
      }
      return { status: 404, body: {} };
    });
    renderPage(<RevisionsTab api={apiObj} />, { session: session() });
    const user = userEvent.setup();
    expect(await screen.findByText(/No revisions yet/)).toBeInTheDocument();
    await user.type(screen.getByLabelText(/New revision/), 'first cut');
    await user.click(screen.getByRole('button', { name: 'Create revision' }));
    const row = (await screen.findByRole('cell', { name: 'Revision 1' })).closest('tr')!;
    expect(within(row).getByText('first cut')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Deploy' }));
    const dialog = await screen.findByRole('dialog', { name: 'Deploy Revision 1' });
    expect(within(dialog).getByLabelText('Default (localhost)')).toBeChecked();
    await user.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(sent.some((s) => s.url.includes('/deploy-revision'))).toBe(true));
    const deploy = sent.find((s) => s.url.includes('/deploy-revision'))!;
    expect(deploy.url).toBe('/api/am/publisher/v4/apis/a1/deploy-revision?revisionId=r1');
    expect(deploy.body).toEqual([{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }]);
    expect(await within(row).findByText('Default')).toBeInTheDocument();
  });

  it("shows the server's refusal to delete a deployed revision", { timeout: 30_000 }, async () => {
    const rev: Revision = {
      id: 'r1',
      displayName: 'Revision 1',
      description: '',
      deploymentInfo: [{ name: 'Default' }],
    };
    mockFetch((method, url) => {
      if (url.endsWith('/revisions') && method === 'GET') return { body: { count: 1, list: [rev] } };
      if (method === 'DELETE')
        return {
          status: 409,
          body: {
            code: 409,
            message: 'Conflict',
            description: "Revision 1 is deployed to 'Default': undeploy it first",
          },
        };
      return { status: 404, body: {} };
    });
    renderPage(<RevisionsTab api={apiObj} />, { session: session() });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'More actions for Revision 1' }));
    await user.click((await screen.findAllByRole('menuitem', { name: 'Delete', hidden: true }))[0]);
    const dialog = await screen.findByRole('dialog', { name: 'Delete Revision 1?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(
      await screen.findByText("Revision 1 is deployed to 'Default': undeploy it first"),
    ).toBeInTheDocument();
  });

  it('compares a revision with the working copy', { timeout: 30_000 }, async () => {
    const rev: Revision = { id: 'r1', displayName: 'Revision 1', description: '', deploymentInfo: [] };
    mockFetch((_m, url) => {
      if (url.endsWith('/revisions')) return { body: { count: 1, list: [rev] } };
      if (url.endsWith('/apis/r1')) return { body: { ...apiObj, id: 'r1', description: 'old text' } };
      if (url.endsWith('/apis/a1')) return { body: apiObj };
      return { status: 404, body: {} };
    });
    renderPage(<RevisionsTab api={apiObj} />, { session: session() });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Show changes' }, { timeout: 5000 }));
    const diff = await screen.findByLabelText('Differences', {}, { timeout: 5000 });
    expect(within(diff).getByText(/- "description": "old text"/)).toBeInTheDocument();
    expect(within(diff).getByText(/\+ "description": "new text"/)).toBeInTheDocument();
  });

  it('leaves ids and times out of a diff', () => {
    const changes = jsonDiff(
      { id: 'a', lastUpdatedTime: '1', lastUpdatedTimestamp: '1000', name: 'x' },
      { id: 'b', lastUpdatedTime: '2', lastUpdatedTimestamp: '2000', name: 'x' },
    );
    expect(changes.some((c) => c.added || c.removed)).toBe(false);
  });
});
