import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import type { ApiDetail } from '../../api/types';
import { EndpointsTab } from './EndpointsTab';

afterEach(() => vi.unstubAllGlobals());

const apiObj: ApiDetail = {
  id: 'a1',
  name: 'Pets',
  context: '/pets',
  version: '1.0.0',
  lifeCycleStatus: 'CREATED',
  endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://primary:8080' } },
};

describe('Endpoints tab', () => {
  it(
    'builds a failover group, checks URLs, and shows the server refusal under the endpoint it names',
    { timeout: 40_000 },
    async () => {
      const puts: ApiDetail[] = [];
      mockFetch((method, _url, body) => {
        if (method === 'PUT') {
          puts.push(body as ApiDetail);
          return {
            status: 400,
            body: {
              code: 400,
              message: 'Bad Request',
              description: "'endpointConfig.production_failovers[0].url' is not an absolute URL: 'standby'",
            },
          };
        }
        return { status: 404, body: {} };
      });
      renderPage(<EndpointsTab api={apiObj} />, {
        session: testSession({ scopes: ['apim:api_view', 'apim:api_create'] }),
      });
      const user = userEvent.setup();
      await user.click(screen.getByText('Failover'));
      expect(screen.getByLabelText('Production primary endpoint')).toHaveValue('http://primary:8080');
      await user.click(screen.getByRole('button', { name: 'Add a production failover' }));
      await user.type(screen.getByLabelText('Production failover 1'), 'ftp://standby');
      // The sandbox group got an empty primary when the type changed: a group needs its URLs.
      await user.click(screen.getByRole('button', { name: 'Save' }));
      expect(await screen.findByText('The endpoint must be an http or https URL')).toBeInTheDocument();
      expect(screen.getByText('An endpoint URL is required')).toBeInTheDocument();
      expect(puts).toHaveLength(0);

      await user.click(screen.getByRole('button', { name: 'Remove Sandbox primary endpoint' }));
      await user.clear(screen.getByLabelText('Production failover 1'));
      await user.type(screen.getByLabelText('Production failover 1'), 'http://standby:8080');
      await user.click(screen.getByRole('switch', { name: 'Send credentials to the production backend' }));
      await user.click(screen.getByRole('button', { name: 'Save' }));
      expect(await screen.findByText('A username is required')).toBeInTheDocument();
      await user.type(screen.getByLabelText('Username'), 'svc');
      await user.type(screen.getByLabelText('Password'), 'secret');
      await user.click(screen.getByRole('button', { name: 'Save' }));
      await waitFor(() => expect(puts).toHaveLength(1));
      expect(puts[0].endpointConfig).toEqual({
        endpoint_type: 'failover',
        production_endpoints: { url: 'http://primary:8080' },
        production_failovers: [{ url: 'http://standby:8080' }],
        endpoint_security: {
          production: { enabled: true, type: 'BASIC', username: 'svc', password: 'secret' },
          sandbox: { enabled: false },
        },
      });
      expect(
        await screen.findByText(
          "'endpointConfig.production_failovers[0].url' is not an absolute URL: 'standby'",
        ),
      ).toBeInTheDocument();
      expect(screen.getByLabelText('Production failover 1')).toHaveAttribute('aria-invalid', 'true');
    },
  );
});
