// Rendering a component for a test the way a portal does: theme, query client, session, router.
import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { configureApi } from '../api/client';
import { AuthSession, type Tokens } from '../auth/session';
import { makeQueryClient, Providers } from '../bootstrap';

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

export function testSession(signedIn?: Partial<Tokens>) {
  const storage = new MemoryStorage();
  if (signedIn)
    storage.setItem(
      'archway.session.test',
      JSON.stringify({
        status: 'signed-in',
        tokens: {
          accessToken: 'tok',
          expiresAt: Date.now() + 3600_000,
          scopes: [],
          username: 'alice',
          ...signedIn,
        },
      }),
    );
  return new AuthSession(
    { clientId: 'test', basePath: '', scopes: [], requiredScopes: signedIn?.scopes ?? [] },
    storage,
    new MemoryStorage(),
  );
}

/** Renders `element` at `path` (matched by `route`); returns the Testing Library helpers. */
export function renderPage(
  element: ReactElement,
  options: { path?: string; route?: string; session?: AuthSession } = {},
) {
  const session = options.session ?? testSession({ scopes: [] });
  configureApi({ token: () => session.accessToken(), onUnauthorized: () => session.expire() });
  const router = createMemoryRouter([{ path: options.route ?? '*', element }], {
    initialEntries: [options.path ?? '/'],
  });
  const client = makeQueryClient();
  return {
    session,
    client,
    ...render(
      <Providers session={session} client={client}>
        <RouterProvider router={router} />
      </Providers>,
    ),
  };
}

/** Replaces fetch with `handler`; each call gets (method, url, parsed JSON body or raw body). */
export function mockFetch(
  handler: (method: string, url: string, body: unknown) => { status?: number; body?: unknown },
) {
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input.toString();
    let body: unknown = init?.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* form or text bodies stay as they are */
      }
    }
    const r = handler(init?.method ?? 'GET', url, body);
    const status = r.status ?? 200;
    const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return new Response(status === 204 ? null : text, {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}
