import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { fill } from '../test/select';
import { LinterRulesCard } from './LinterRulesCard';

afterEach(() => vi.unstubAllGlobals());

const ruleset = { rules: { 'no-x': { given: '$', then: { function: 'truthy' } } } };

describe('linter rules card', { timeout: 30_000 }, () => {
  it('sets rules when none are set, checking them first, and shows the server refusal', async () => {
    const user = userEvent.setup({ delay: null });
    let stored: unknown = null;
    let refuse = true;
    const fetchMock = mockFetch((method, _url, body) => {
      if (method === 'PUT') {
        if (refuse)
          return {
            status: 400,
            body: {
              code: 400,
              message: 'Bad Request',
              description: "'extends' must be a ruleset name or a list of them",
            },
          };
        stored = body;
        return { body };
      }
      return stored
        ? { body: stored }
        : {
            status: 404,
            body: { code: 404, message: 'Not Found', description: 'No linter custom rules are set' },
          };
    });
    renderPage(<LinterRulesCard />);
    expect(await screen.findByText('No custom rules are set.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Remove rules' })).not.toBeInTheDocument();
    const editor = screen.getByRole('textbox', { name: /Ruleset/ });
    await fill(user, editor, '{"extends": 1}');
    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByText("'rules' is required: an object of rules by name")).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'PUT')).toBe(false);
    await user.clear(editor);
    await fill(user, editor, '{"extends": 1, "rules": {}}');
    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByText("'extends' must be a ruleset name or a list of them")).toBeInTheDocument();
    refuse = false;
    await user.clear(editor);
    await fill(user, editor, JSON.stringify(ruleset));
    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByRole('button', { name: 'Remove rules' })).toBeInTheDocument();
    const put = fetchMock.mock.calls.filter(([, init]) => init?.method === 'PUT').at(-1)!;
    expect(put[0]).toBe('/api/am/admin/v4/settings/linter-custom-rules');
    expect(JSON.parse(put[1]!.body as string)).toEqual(ruleset);
  });

  it('shows the rules set and removes them after asking', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch((method) => (method === 'DELETE' ? { status: 200 } : { body: ruleset }));
    renderPage(<LinterRulesCard />);
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: /Ruleset/ })).toHaveValue(JSON.stringify(ruleset, null, 2)),
    );
    await user.click(screen.getByRole('button', { name: 'Remove rules' }));
    const dialog = await screen.findByRole('dialog', { name: /Remove the linter rules/ });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('No custom rules are set.')).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'DELETE')).toBe(true);
  });
});
