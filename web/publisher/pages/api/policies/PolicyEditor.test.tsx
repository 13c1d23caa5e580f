import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { Api } from '../../../api/types';
import type { PolicySpec } from '../../../api/policies';
import { PoliciesTab } from '../PoliciesTab';

afterEach(() => vi.unstubAllGlobals());
const header = (name: string, display: string): PolicySpec => ({
  id: name,
  name,
  version: 'v1',
  displayName: display,
  applicableFlows: ['request', 'response', 'fault'],
  policyAttributes: [
    {
      name: 'headerName',
      displayName: 'Header Name',
      required: true,
      validationRegex: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
      type: 'String',
    },
    ...(name === 'removeHeader'
      ? []
      : [
          {
            name: 'headerValue',
            displayName: 'Header Value',
            required: true,
            validationRegex: null,
            type: 'String',
          },
        ]),
  ],
});
const specs = [
  header('addHeader', 'Add Header'),
  header('setHeader', 'Set Header'),
  header('removeHeader', 'Remove Header'),
];

const api: Api = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'CREATED',
  policies: ['Unlimited'],
  endpointConfig: { endpoint_type: 'http' },
  operations: [
    {
      target: '/items',
      verb: 'GET',
      authType: 'Application & Application User',
      operationPolicies: {
        request: [
          {
            policyName: 'addHeader',
            policyVersion: 'v1',
            parameters: { headerName: 'X-A', headerValue: '1' },
          },
          { policyName: 'removeHeader', policyVersion: 'v1', parameters: { headerName: 'X-B' } },
        ],
        response: [],
        fault: [],
      },
    },
    { target: '/items', verb: 'POST' },
  ],
};

function serve() {
  const puts: unknown[] = [];
  mockFetch((method, url, body) => {
    if (url.endsWith('/operation-policies')) return { body: { count: specs.length, list: specs } };
    if (method === 'PUT') {
      puts.push(body);
      return { body };
    }
    return { status: 404, body: { code: 404, message: 'Not Found', description: 'no' } };
  });
  return puts;
}

describe('operation policies', () => {
  it('reorders, removes and adds policies and saves the API with them', async () => {
    const puts = serve();
    renderPage(<PoliciesTab api={api} />, { session: testSession({ scopes: ['apim:api_create'] }) });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Move Remove Header (request 2) of GET /items up' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Remove Add Header (request 2) of GET /items' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Add policy to the response flow of GET /items' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Policy' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Set Header', hidden: true }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Add policy' }));
    expect(await within(dialog).findByText("'headerName' is required by policy 'setHeader'")).toBeVisible();
    await userEvent.type(within(dialog).getByLabelText(/Header Name/), 'bad header');
    await userEvent.type(within(dialog).getByLabelText(/Header Value/), 'no-store');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add policy' }));
    expect(
      await within(dialog).findByText("'headerName': 'bad header' is not a valid Header Name"),
    ).toBeVisible();
    await userEvent.clear(within(dialog).getByLabelText(/Header Name/));
    await userEvent.type(within(dialog).getByLabelText(/Header Name/), 'Cache-Control');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add policy' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save policies' }));
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toEqual({
      ...api,
      operations: [
        {
          ...api.operations![0],
          operationPolicies: {
            request: [{ policyName: 'removeHeader', policyVersion: 'v1', parameters: { headerName: 'X-B' } }],
            response: [
              {
                policyName: 'setHeader',
                policyVersion: 'v1',
                parameters: { headerName: 'Cache-Control', headerValue: 'no-store' },
              },
            ],
            fault: [],
          },
        },
        { target: '/items', verb: 'POST' },
      ],
    });
  }, 30_000);

  it("shows the server's refusal on the policy it names", async () => {
    mockFetch((method, url) => {
      if (url.endsWith('/operation-policies')) return { body: { count: specs.length, list: specs } };
      if (method === 'PUT')
        return {
          status: 400,
          body: {
            code: 400,
            message: 'Bad Request',
            description: "'operations[0].operationPolicies.request[0].parameters.headerName' is not valid",
          },
        };
      return { status: 404, body: {} };
    });
    renderPage(<PoliciesTab api={api} />, { session: testSession({ scopes: ['apim:api_create'] }) });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Move Add Header (request 1) of GET /items down' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save policies' }));
    const alerts = await screen.findAllByText(
      "'operations[0].operationPolicies.request[0].parameters.headerName' is not valid",
    );
    expect(alerts.length).toBe(2); // the notice and the policy's own line
  }, 20_000);
});
