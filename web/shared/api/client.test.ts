import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, configureApi, fieldOf, withQuery } from './client';
import { mockFetch } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

describe('REST client', () => {
  it('names the field a problem message starts with', () => {
    expect(fieldOf("'name' is required (at most 60 characters)")).toBe('name');
    expect(fieldOf("'endpointConfig.production_endpoints' must be an object")).toBe(
      'endpointConfig.production_endpoints',
    );
    expect(fieldOf('Something else went wrong')).toBeNull();
  });

  it('raises the server problem description as the error message', async () => {
    mockFetch(() => ({
      status: 409,
      body: { code: 409, message: 'Conflict', description: "An API named 'Pets' already exists" },
    }));
    const err = await api('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    expect((err as ApiError).message).toBe("An API named 'Pets' already exists");
  });

  it('reads OAuth errors too', async () => {
    mockFetch(() => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The code has expired' },
    }));
    await expect(api('/oauth2/token')).rejects.toThrow('The code has expired');
  });

  it('sends the session token and reports a refused one', async () => {
    const onUnauthorized = vi.fn();
    configureApi({ token: async () => 'abc', onUnauthorized });
    const fetchMock = mockFetch(() => ({
      status: 401,
      body: { code: 401, message: 'Unauthorized', description: 'expired' },
    }));
    await expect(api('/x')).rejects.toThrow('expired');
    const init = fetchMock.mock.calls[0][1] as RequestInit;
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer abc');
    expect(onUnauthorized).toHaveBeenCalledOnce();
    configureApi({ token: async () => null, onUnauthorized: () => {} });
  });

  it('sends objects as JSON and leaves out empty query values', async () => {
    const fetchMock = mockFetch(() => ({ status: 201, body: { id: '1' } }));
    const out = await api<{ id: string }>('/apis', {
      method: 'POST',
      body: { name: 'A' },
      query: { limit: 10, query: '' },
    });
    expect(out.id).toBe('1');
    expect(fetchMock.mock.calls[0][0]).toBe('/apis?limit=10');
    expect(withQuery('/a?x=1', { y: 2 })).toBe('/a?x=1&y=2');
  });

  it('turns an unreachable server into a clear message', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    await expect(api('/x')).rejects.toThrow('The server cannot be reached');
  });
});
