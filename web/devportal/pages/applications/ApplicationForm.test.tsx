import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { ApplicationForm } from './ApplicationForm';
import { ApplicationPage } from './ApplicationPage';

afterEach(() => vi.unstubAllGlobals());

// As the product answers them: required and hidden as strings.
const definitions = [
  { attribute: 'Cost center', description: 'Who pays', required: 'true', hidden: 'false' },
  { attribute: 'Notes', type: 'textarea', required: 'false', hidden: 'false' },
  { attribute: 'Internal id', required: 'false', hidden: 'true' },
];

const app = {
  applicationId: 'app1',
  name: 'Shop',
  throttlingPolicy: 'Unlimited',
  description: '',
  status: 'APPROVED',
  attributes: { 'Cost center': 'CC-1', 'Internal id': 'secret-42', Legacy: 'kept' },
};

function serve(put: unknown[], reply?: { status: number; body: unknown }) {
  return mockFetch((method, url, body) => {
    if (url.endsWith('/settings/application-attributes'))
      return { body: { count: definitions.length, list: definitions } };
    if (url.includes('/throttling-policies/application'))
      return { body: { count: 1, list: [{ name: 'Unlimited', displayName: 'Unlimited' }] } };
    if (method === 'POST' || method === 'PUT') {
      put.push(body);
      return reply ?? { status: method === 'POST' ? 201 : 200, body: { ...app, ...(body as object) } };
    }
    if (url.endsWith('/applications/app1')) return { body: app };
    return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
  });
}

describe('application attributes', { timeout: 30_000 }, () => {
  it('asks for the shown attributes, enforces the required ones and never shows hidden ones', async () => {
    const user = userEvent.setup({ delay: null });
    const sent: unknown[] = [];
    serve(sent);
    renderPage(<ApplicationForm opened onClose={() => {}} />, {
      session: testSession({ scopes: ['apim:subscribe'] }),
    });
    const dialog = await screen.findByRole('dialog', { name: 'Create an application' });
    expect(within(dialog).getByLabelText(/^Cost center/)).toBeRequired();
    expect(within(dialog).getByLabelText(/^Notes/)).not.toBeRequired();
    expect(within(dialog).queryByLabelText(/Internal id/)).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText(/^Name/), 'Mobile');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText('Cost center is required')).toBeInTheDocument();
    expect(sent).toHaveLength(0);
    await user.type(within(dialog).getByLabelText(/^Cost center/), 'CC-9');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      name: 'Mobile',
      description: '',
      throttlingPolicy: 'Unlimited',
      tokenType: 'JWT',
      attributes: { 'Cost center': 'CC-9' },
    });
  });

  it("keeps hidden and undefined attributes when editing, and puts the server's message under the attribute", async () => {
    const user = userEvent.setup({ delay: null });
    const sent: unknown[] = [];
    serve(sent, {
      status: 400,
      body: {
        code: 400,
        message: 'Bad Request',
        description: "'attributes.Notes' must be at most 1024 characters",
      },
    });
    renderPage(<ApplicationForm opened onClose={() => {}} editing={app} />, {
      session: testSession({ scopes: ['apim:subscribe'] }),
    });
    const dialog = await screen.findByRole('dialog', { name: 'Edit Shop' });
    expect(within(dialog).getByLabelText(/^Cost center/)).toHaveValue('CC-1');
    await user.type(within(dialog).getByLabelText(/^Notes/), 'long');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(within(dialog).getByLabelText(/^Notes/)).toHaveAccessibleDescription(
        expect.stringContaining("'attributes.Notes' must be at most 1024 characters"),
      ),
    );
    expect((sent[0] as { attributes: unknown }).attributes).toEqual({
      'Cost center': 'CC-1',
      Notes: 'long',
      'Internal id': 'secret-42',
      Legacy: 'kept',
    });
  });

  it('shows the attributes on the overview, but not hidden ones', async () => {
    serve([]);
    renderPage(<ApplicationPage />, {
      path: '/applications/app1',
      route: '/applications/:applicationId/*',
      session: testSession({ scopes: ['apim:subscribe'] }),
    });
    const cost = await screen.findByRole('rowheader', { name: 'Cost center' });
    expect(within(cost.closest('tr')!).getByText('CC-1')).toBeInTheDocument();
    expect(screen.getByRole('rowheader', { name: 'Legacy' })).toBeInTheDocument();
    expect(screen.queryByText('secret-42')).not.toBeInTheDocument();
    expect(screen.queryByText('Internal id')).not.toBeInTheDocument();
  });
});
