// One typed way to call Archway's REST APIs: JSON in and out, errors as ApiError carrying the
// server's own problem message, a time limit on every call, and the signed-in user's token.

export const PUBLISHER = '/api/am/publisher/v4';
export const DEVPORTAL = '/api/am/devportal/v3';
export const ADMIN = '/api/am/admin/v4';
export const CATALOG = '/api/am/service-catalog/v1';

/** A failed call: the REST API's problem body (`{code, message, description}`) or an OAuth error. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly field: string | null;

  constructor(status: number, title: string, message: string) {
    super(message || title || `Request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.field = fieldOf(this.message);
  }
}

/** The request field a problem message names first (`'name' is required` gives `name`), if any. */
export function fieldOf(message: string): string | null {
  const m = /'([A-Za-z][\w.[\]]*)'/.exec(message);
  return m ? m[1] : null;
}

export const REQUEST_TIMEOUT_MS = 30_000;

type TokenSource = () => Promise<string | null>;
let tokenSource: TokenSource = async () => null;
let unauthorized: () => void = () => {};

/** Wires the client to the portal's sign-in session. */
export function configureApi(options: { token: TokenSource; onUnauthorized: () => void }) {
  tokenSource = options.token;
  unauthorized = options.onUnauthorized;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: string;
  /** A plain object is sent as JSON; FormData as multipart; a string or Blob as it is. */
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** How to read a successful answer (default: JSON, or null for an empty body). */
  as?: 'json' | 'text' | 'blob';
  /** Send the call without a token even when signed in. */
  anonymous?: boolean;
  /** A 401 here refuses something else than the session (e.g. a wrong consumer secret): keep the session. */
  keepSessionOn401?: boolean;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

function timeoutSignal(outer: AbortSignal | undefined): {
  signal: AbortSignal;
  timedOut: () => boolean;
  done: () => void;
} {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, REQUEST_TIMEOUT_MS);
  const forward = () => controller.abort();
  outer?.addEventListener('abort', forward);
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    },
  };
}

async function problemOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.error === 'string')
      return new ApiError(res.status, body.error, String(body.error_description ?? body.error));
    const message = String(body.message ?? res.statusText);
    const description = typeof body.description === 'string' ? body.description : '';
    return new ApiError(res.status, message, description || message);
  } catch {
    return new ApiError(res.status, res.statusText, text.slice(0, 300) || res.statusText);
  }
}

/** Calls `path` (a REST path such as `${PUBLISHER}/apis`). */
export async function api<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || typeof options.body === 'string' || options.body instanceof Blob) {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const token = options.anonymous ? null : await tokenSource();
  if (token) headers.Authorization = `Bearer ${token}`;
  const t = timeoutSignal(options.signal);
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: t.signal,
      credentials: 'omit',
    });
  } catch (e) {
    if (t.timedOut())
      throw new ApiError(0, 'Timeout', `The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    if (options.signal?.aborted) throw e;
    throw new ApiError(
      0,
      'Network error',
      'The server cannot be reached; check your connection and try again',
    );
  } finally {
    t.done();
  }
  if (!res.ok) {
    const err = await problemOf(res);
    if (res.status === 401 && token && !options.keepSessionOn401) unauthorized();
    throw err;
  }
  if (options.as === 'text') return (await res.text()) as T;
  if (options.as === 'blob') return (await res.blob()) as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** The message to show for any error a call can raise. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
