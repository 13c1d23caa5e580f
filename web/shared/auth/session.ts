// A portal's sign-in session with Archway's own Key Manager: authorization code + PKCE, tokens
// kept per portal in localStorage (so new tabs stay signed in), refreshed before they expire,
// revoked on sign-out.
import { challengeOf, jwtClaims, randomToken } from './pkce';

export interface PortalAuthConfig {
  /** The portal's OAuth client (a public client the server registers at start). */
  clientId: string;
  /** Where the portal is served, e.g. `/publisher`; its callback is `${basePath}/callback`. */
  basePath: string;
  /** Scopes asked for; the Key Manager grants those the user's roles allow. */
  scopes: string[];
  /** Scopes without which the portal is of no use to the user (one of them suffices). */
  requiredScopes: string[];
}

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scopes: string[];
  username: string;
}

export type SessionState =
  { status: 'anonymous' } | { status: 'expired' } | { status: 'signed-in'; tokens: Tokens };

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

export class SignInError extends Error {}

/** Refresh this long before expiry. */
const REFRESH_MARGIN_MS = 60_000;

export class AuthSession {
  private state: SessionState;
  private listeners = new Set<() => void>();
  private refreshing: Promise<Tokens | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly key: string;
  private readonly config: PortalAuthConfig;
  private readonly storage: Storage;
  private readonly pending: Storage;

  constructor(config: PortalAuthConfig, storage: Storage = localStorage, pending: Storage = sessionStorage) {
    this.config = config;
    this.storage = storage;
    this.pending = pending;
    this.key = `archway.session.${config.clientId}`;
    this.state = this.load();
    this.schedule();
    if (typeof window !== 'undefined')
      window.addEventListener('storage', (e) => {
        if (e.key === this.key) this.set(this.load(), false);
      });
  }

  get current(): SessionState {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get redirectUri(): string {
    return `${window.location.origin}${this.config.basePath}/callback`;
  }

  /** True when the signed-in user holds at least one scope the portal needs. */
  hasAccess(): boolean {
    if (this.state.status !== 'signed-in') return false;
    const granted = this.state.tokens.scopes;
    return this.config.requiredScopes.some((s) => granted.includes(s));
  }

  /** The URL of the Key Manager's sign-in page; remembers the PKCE verifier for the callback. */
  authorizeUrl(returnTo: string): string {
    const pending: PendingSignIn = { state: randomToken(16), verifier: randomToken(48), returnTo };
    this.pending.setItem(`${this.key}.pending`, JSON.stringify(pending));
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri,
      scope: this.config.scopes.join(' '),
      state: pending.state,
      code_challenge: challengeOf(pending.verifier),
      code_challenge_method: 'S256',
    });
    return `/oauth2/authorize?${q.toString()}`;
  }

  signIn(returnTo: string) {
    window.location.assign(this.authorizeUrl(returnTo));
  }

  /** Handles the Key Manager's redirect back; returns the path to go on to. */
  async completeSignIn(params: URLSearchParams): Promise<string> {
    const raw = this.pending.getItem(`${this.key}.pending`);
    this.pending.removeItem(`${this.key}.pending`);
    const error = params.get('error');
    if (error) throw new SignInError(params.get('error_description') ?? error);
    if (!raw)
      throw new SignInError('This sign-in was not started here (or was already completed); sign in again.');
    const pending = JSON.parse(raw) as PendingSignIn;
    if (params.get('state') !== pending.state)
      throw new SignInError('The sign-in answer does not match this request; sign in again.');
    const code = params.get('code');
    if (!code) throw new SignInError('The Key Manager sent no authorization code.');
    const tokens = await this.tokenCall({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      client_id: this.config.clientId,
      code_verifier: pending.verifier,
    });
    this.set({ status: 'signed-in', tokens });
    return pending.returnTo || '/';
  }

  /** A valid access token (refreshed if close to expiry), or null when not signed in. */
  async accessToken(): Promise<string | null> {
    if (this.state.status !== 'signed-in') return null;
    if (this.state.tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS / 2)
      return this.state.tokens.accessToken;
    const t = await this.refresh();
    return t?.accessToken ?? null;
  }

  /** Exchanges the refresh token; the session is marked expired when that fails. */
  refresh(): Promise<Tokens | null> {
    if (!this.refreshing)
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private async doRefresh(): Promise<Tokens | null> {
    // Tabs share one refresh token, and the Key Manager treats a rotated refresh token used twice
    // as stolen (it revokes the session): one tab refreshes at a time, the next takes its tokens.
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    return locks ? await locks.request(`${this.key}.refresh`, () => this.refreshOnce()) : this.refreshOnce();
  }

  private async refreshOnce(): Promise<Tokens | null> {
    const fromOtherTab = this.load(); // another tab may have refreshed already
    if (
      fromOtherTab.status === 'signed-in' &&
      fromOtherTab.tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS
    ) {
      this.set(fromOtherTab, false);
      return fromOtherTab.tokens;
    }
    if (this.state.status !== 'signed-in' || !this.state.tokens.refreshToken) {
      this.expire();
      return null;
    }
    try {
      const tokens = await this.tokenCall({
        grant_type: 'refresh_token',
        refresh_token: this.state.tokens.refreshToken,
        client_id: this.config.clientId,
      });
      this.set({ status: 'signed-in', tokens });
      return tokens;
    } catch {
      this.expire();
      return null;
    }
  }

  /** The server refused the token: the session is over until the user signs in again. */
  expire() {
    if (this.state.status === 'signed-in') this.set({ status: 'expired' });
  }

  /** Revokes both tokens at the Key Manager (best effort) and forgets them. */
  async signOut() {
    const s = this.state;
    this.set({ status: 'anonymous' });
    if (s.status !== 'signed-in') return;
    const revoke = (token: string, hint: string) =>
      fetch('/oauth2/revoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: hint, client_id: this.config.clientId }),
      }).catch(() => undefined);
    await Promise.all([
      revoke(s.tokens.accessToken, 'access_token'),
      s.tokens.refreshToken ? revoke(s.tokens.refreshToken, 'refresh_token') : Promise.resolve(),
    ]);
  }

  private async tokenCall(form: Record<string, string>): Promise<Tokens> {
    let res: Response;
    try {
      res = await fetch('/oauth2/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form),
      });
    } catch {
      throw new SignInError('The Key Manager cannot be reached; check your connection and try again.');
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new SignInError(String(body.error_description ?? body.error ?? `HTTP ${res.status}`));
    const accessToken = String(body.access_token);
    const claims = jwtClaims(accessToken);
    return {
      accessToken,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
      expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000,
      scopes: String(body.scope ?? '')
        .split(' ')
        .filter(Boolean),
      username: String(claims.sub ?? ''),
    };
  }

  private load(): SessionState {
    const raw = this.storage.getItem(this.key);
    if (!raw) return { status: 'anonymous' };
    try {
      const parsed = JSON.parse(raw) as SessionState;
      if (
        parsed.status === 'signed-in' &&
        parsed.tokens.expiresAt < Date.now() &&
        !parsed.tokens.refreshToken
      )
        return { status: 'expired' };
      return parsed;
    } catch {
      return { status: 'anonymous' };
    }
  }

  private set(next: SessionState, persist = true) {
    this.state = next;
    if (persist) {
      if (next.status === 'anonymous') this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(next));
    }
    this.schedule();
    this.listeners.forEach((l) => l());
  }

  private schedule() {
    clearTimeout(this.timer);
    if (this.state.status !== 'signed-in' || !this.state.tokens.refreshToken) return;
    const wait = Math.max(0, this.state.tokens.expiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.timer = setTimeout(() => void this.refresh(), Math.min(wait, 2 ** 31 - 1));
  }
}
