// Building and sending the console's request to the gateway (another origin: CORS applies).

export interface Pair {
  name: string;
  value: string;
}

export interface ConsoleResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  millis: number;
}

/** The `{name}` segments of an operation's target. */
export function pathParams(target: string): string[] {
  return [...target.matchAll(/\{([^}]+)}/g)].map((m) => m[1]);
}

/** The gateway URL for an operation: base (`http://host:port/context/version`), target with its parameters, query. */
export function requestUrl(
  base: string,
  target: string,
  params: Record<string, string>,
  query: Pair[],
): string {
  let path = target.replace(/\{([^}]+)}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  path = path.replace(/\/\*$/, '/');
  const q = new URLSearchParams();
  for (const p of query) if (p.name.trim()) q.append(p.name.trim(), p.value);
  const qs = q.toString();
  return `${base.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
}

export class GatewayUnreachable extends Error {}

export async function sendRequest(
  url: string,
  init: { method: string; headers: Pair[]; body?: string; token?: string },
  timeoutMs = 30_000,
): Promise<ConsoleResponse> {
  const headers = new Headers();
  for (const h of init.headers) if (h.name.trim()) headers.append(h.name.trim(), h.value);
  if (init.token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${init.token}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: init.method,
      headers,
      body: init.body && !['GET', 'HEAD'].includes(init.method) ? init.body : undefined,
      signal: controller.signal,
      credentials: 'omit',
    });
    const body = await res.text();
    return {
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers.entries()],
      body,
      millis: Math.round(performance.now() - started),
    };
  } catch (e) {
    if (controller.signal.aborted)
      throw new GatewayUnreachable(`The gateway did not answer within ${timeoutMs / 1000} s.`);
    throw new GatewayUnreachable(
      `The browser could not call ${new URL(url).origin}: the gateway is not reachable from here, or it does not allow ` +
        `calls from this portal's origin (${window.location.origin}) through CORS. Enable CORS for the API (Runtime settings) ` +
        `or call it with curl. (${e instanceof Error ? e.message : String(e)})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
