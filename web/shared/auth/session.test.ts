import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthSession } from './session';
import { challengeOf } from './pkce';
import { mockFetch } from '../test/render';

class MemoryStorage {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

function memoryStorage() {
  return new MemoryStorage() as unknown as Storage;
}

function jwt(claims: object) {
  const b = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '');
  return `${b({ alg: 'RS256' })}.${b(claims)}.sig`;
}

function session() {
  const storage = memoryStorage();
  const pending = memoryStorage();
  const s = new AuthSession(
    {
      clientId: 'archway-publisher',
      basePath: '/publisher',
      scopes: ['apim:api_view'],
      requiredScopes: ['apim:api_view'],
    },
    storage,
    pending,
  );
  return { s, pending };
}

const KEY = 'archway.session.archway-publisher';
const CONFIG = { clientId: 'archway-publisher', basePath: '/publisher', scopes: [], requiredScopes: [] };

/** Keeps a signed-in session with these tokens in `storage`, and opens a tab on it. */
function signedInTab(
  storage: Storage,
  tokens: { accessToken: string; refreshToken: string; expiresAt: number },
) {
  storage.setItem(
    KEY,
    JSON.stringify({ status: 'signed-in', tokens: { ...tokens, scopes: [], username: 'a' } }),
  );
  return new AuthSession(CONFIG, storage, storage);
}

/** The Key Manager answers a refresh with new tokens (refresh token r2). */
function refreshAnswered() {
  return mockFetch(() => ({
    body: { access_token: jwt({ sub: 'a' }), refresh_token: 'r2', expires_in: 3600, scope: '' },
  }));
}

afterEach(() => vi.unstubAllGlobals());

describe('portal sign-in session', () => {
  it('asks for a code with an S256 challenge of the verifier it keeps', () => {
    const { s, pending } = session();
    const url = new URL(s.authorizeUrl('/apis'), 'http://localhost');
    const kept = JSON.parse(pending.getItem('archway.session.archway-publisher.pending')!);
    expect(url.pathname).toBe('/oauth2/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toBe(challengeOf(kept.verifier));
    expect(url.searchParams.get('redirect_uri')).toBe(`${window.location.origin}/publisher/callback`);
    expect(kept.verifier.length).toBeGreaterThanOrEqual(43);
  });

  it('computes the RFC 7636 example challenge', () => {
    expect(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('refuses an answer whose state does not match', async () => {
    const { s } = session();
    s.authorizeUrl('/apis');
    await expect(s.completeSignIn(new URLSearchParams('code=c&state=forged'))).rejects.toThrow(
      'does not match',
    );
    expect(s.current.status).toBe('anonymous');
  });

  it('exchanges the code for tokens and returns to the page it started from', async () => {
    const { s } = session();
    const state = new URL(s.authorizeUrl('/apis/7'), 'http://localhost').searchParams.get('state')!;
    const fetchMock = mockFetch(() => ({
      body: {
        access_token: jwt({ sub: 'alice' }),
        refresh_token: 'r1',
        expires_in: 3600,
        scope: 'apim:api_view',
      },
    }));
    await expect(s.completeSignIn(new URLSearchParams({ code: 'c', state }))).resolves.toBe('/apis/7');
    const form = new URLSearchParams(fetchMock.mock.calls[0][1]!.body as URLSearchParams);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')).toBeTruthy();
    expect(s.current.status).toBe('signed-in');
    expect(s.hasAccess()).toBe(true);
  });

  it('shows the Key Manager error the callback carries', async () => {
    const { s } = session();
    s.authorizeUrl('/');
    await expect(
      s.completeSignIn(new URLSearchParams('error=access_denied&error_description=No+way')),
    ).rejects.toThrow('No way');
  });

  it('refreshes a token about to expire, and expires the session when refresh fails', async () => {
    const storage = memoryStorage();
    const s2 = signedInTab(storage, { accessToken: 'old', refreshToken: 'r1', expiresAt: Date.now() + 1000 });
    refreshAnswered();
    const t = await s2.accessToken();
    expect(t).not.toBe('old');
    mockFetch(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'used' } }));
    const s3 = signedInTab(storage, { accessToken: 'x', refreshToken: 'r2', expiresAt: Date.now() + 1000 });
    expect(await s3.accessToken()).toBeNull();
    expect(s3.current.status).toBe('expired');
  });

  it('lets one tab refresh at a time, so two tabs never present one refresh token twice', async () => {
    let queue: Promise<unknown> = Promise.resolve();
    const locks = {
      request: (_name: string, task: () => Promise<unknown>) => {
        const run = queue.then(task);
        queue = run.catch(() => undefined);
        return run;
      },
    };
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator) as Navigator, { locks }));
    const storage = memoryStorage();
    const tab1 = signedInTab(storage, {
      accessToken: 'old',
      refreshToken: 'r1',
      expiresAt: Date.now() + 1000,
    });
    const tab2 = new AuthSession(CONFIG, storage, storage);
    const fetchMock = refreshAnswered();
    const [a, b] = await Promise.all([tab1.refresh(), tab2.refresh()]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(b?.accessToken).toBe(a?.accessToken);
    expect(b?.refreshToken).toBe('r2');
  });

  it('revokes both tokens on sign-out', async () => {
    const s2 = signedInTab(memoryStorage(), {
      accessToken: 'a1',
      refreshToken: 'r1',
      expiresAt: Date.now() + 3600_000,
    });
    const fetchMock = mockFetch(() => ({ body: '' }));
    await s2.signOut();
    const tokens = fetchMock.mock.calls.map((c) =>
      new URLSearchParams(c[1]!.body as URLSearchParams).get('token'),
    );
    expect(tokens.sort()).toEqual(['a1', 'r1']);
    expect(s2.current.status).toBe('anonymous');
  });
});
