import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage } from '@shared/test/render';
import { fill } from '../test/select';
import { KeyManagerForm } from './KeyManagerForm';

afterEach(() => vi.unstubAllGlobals());

const types = [{ value: 'custom', label: 'JWT issuer (validated by its JWKS)' }];

describe('key manager form', { timeout: 30_000 }, () => {
  it('registers an external key manager with its JWKS URL', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch((_m, _u, body) => ({ status: 201, body: { id: 'k1', ...(body as object) } }));
    const onDone = vi.fn();
    renderPage(<KeyManagerForm types={types} onDone={onDone} />);
    await fill(user, screen.getByLabelText(/^Name/), 'Okta');
    await fill(user, screen.getByLabelText(/^Issuer/), 'https://okta.example.com');
    await fill(user, screen.getByLabelText(/^JWKS URL/), 'https://okta.example.com/keys');
    await user.click(screen.getByRole('button', { name: 'Register' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(JSON.parse(fetchMock.mock.calls[0][1]!.body as string)).toEqual({
      name: 'Okta',
      displayName: 'Okta',
      type: 'custom',
      description: '',
      issuer: 'https://okta.example.com',
      certificates: { type: 'JWKS', value: 'https://okta.example.com/keys' },
      consumerKeyClaim: 'azp',
      scopesClaim: 'scope',
      enabled: true,
    });
  });

  it('checks the required fields and the JWKS URL before sending', async () => {
    const user = userEvent.setup({ delay: null });
    const fetchMock = mockFetch(() => ({ status: 500 }));
    renderPage(<KeyManagerForm types={types} onDone={() => {}} />);
    await fill(user, screen.getByLabelText(/^JWKS URL/), 'ftp://x');
    await user.clear(screen.getByLabelText(/^Consumer key claim/));
    await user.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByText('Enter a name')).toBeInTheDocument();
    expect(screen.getByText('Enter the JWKS URL (http or https)')).toBeInTheDocument();
    expect(screen.getByText(/Enter the claim naming the client/)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's message under the field it names", async () => {
    const user = userEvent.setup({ delay: null });
    const message = "'certificates.value' must be the JWKS URL (http or https) of the key manager";
    mockFetch(() => ({ status: 400, body: { code: 400, message: 'Bad Request', description: message } }));
    renderPage(
      <KeyManagerForm
        types={types}
        keyManager={{
          id: 'k1',
          name: 'Okta',
          displayName: 'Okta',
          type: 'okta',
          enabled: false,
          issuer: 'https://okta.example.com',
          certificates: { type: 'JWKS', value: 'https://okta.example.com/keys' },
          consumerKeyClaim: 'cid',
          scopesClaim: 'scp',
        }}
        onDone={() => {}}
      />,
    );
    expect(screen.getByRole('switch', { name: /Enabled/ })).not.toBeChecked();
    expect(screen.getByLabelText(/^Consumer key claim/)).toHaveValue('cid');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^JWKS URL/)).toHaveAccessibleDescription(
        expect.stringContaining(message),
      ),
    );
  });
});
