// endpointConfig (the product's shape, docs/gateway.md) <-> the Endpoints tab's form values.
import type { Endpoint, EndpointConfig, EndpointSecurity } from '../../api/types';

/** INLINE: no backend; the gateway answers each operation with its generated mock. */
export type EndpointType = 'http' | 'load_balance' | 'failover' | 'INLINE';

export interface EndpointRow {
  url: string;
  weight: number | string;
  /** config.actionDuration, the backend timeout in ms ('' = the gateway's default). */
  timeout: number | string;
  /** The rest of the endpoint's config, kept as it was. */
  config: Record<string, unknown>;
}

export interface SecurityValues {
  enabled: boolean;
  type: string;
  username: string;
  password: string;
  apiKeyIdentifier: string;
  apiKeyValue: string;
  apiKeyIdentifierType: string;
  grantType: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface EndpointValues {
  endpointType: EndpointType;
  production: EndpointRow[];
  sandbox: EndpointRow[];
  productionSecurity: SecurityValues;
  sandboxSecurity: SecurityValues;
}

export const ROUND_ROBIN = 'org.apache.synapse.endpoints.algorithms.RoundRobin';

function rowOf(e: Endpoint | undefined): EndpointRow | null {
  if (!e || typeof e !== 'object' || typeof e.url !== 'string') return null;
  const { actionDuration, ...config } = (e.config ?? {}) as Record<string, unknown>;
  const timeout =
    actionDuration === undefined || actionDuration === null || actionDuration === ''
      ? ''
      : Number(actionDuration);
  return { url: e.url, weight: e.weight ?? '', timeout, config };
}

function rowsOf(first: Endpoint | Endpoint[] | undefined, more?: Endpoint[]): EndpointRow[] {
  const list = [...(Array.isArray(first) ? first : first ? [first] : []), ...(more ?? [])];
  return list.map(rowOf).filter((r): r is EndpointRow => r !== null);
}

function securityOf(s: EndpointSecurity | undefined): SecurityValues {
  return {
    enabled: s?.enabled ?? false,
    type: s?.type ?? 'BASIC',
    username: s?.username ?? '',
    password: '',
    apiKeyIdentifier: s?.apiKeyIdentifier ?? '',
    apiKeyValue: '',
    apiKeyIdentifierType: s?.apiKeyIdentifierType ?? 'HEADER',
    grantType: s?.grantType ?? 'CLIENT_CREDENTIALS',
    tokenUrl: s?.tokenUrl ?? '',
    clientId: s?.clientId ?? '',
    clientSecret: '',
  };
}

export function toValues(config: EndpointConfig | undefined): EndpointValues {
  const type = (
    ['http', 'load_balance', 'failover', 'INLINE'].includes(config?.endpoint_type ?? '')
      ? config?.endpoint_type
      : 'http'
  ) as EndpointType;
  return {
    endpointType: type,
    production: rowsOf(
      config?.production_endpoints,
      type === 'failover' ? config?.production_failovers : undefined,
    ),
    sandbox: rowsOf(config?.sandbox_endpoints, type === 'failover' ? config?.sandbox_failovers : undefined),
    productionSecurity: securityOf(config?.endpoint_security?.production),
    sandboxSecurity: securityOf(config?.endpoint_security?.sandbox),
  };
}

function endpointOf(r: EndpointRow, withWeight: boolean): Endpoint {
  const config: Record<string, unknown> = { ...r.config };
  if (r.timeout !== '' && r.timeout !== undefined) config.actionDuration = String(r.timeout);
  const e: Endpoint = { url: r.url.trim() };
  if (Object.keys(config).length) e.config = config;
  if (withWeight && r.weight !== '' && r.weight !== undefined) e.weight = Number(r.weight);
  return e;
}

function securityBody(s: SecurityValues): EndpointSecurity {
  if (!s.enabled) return { enabled: false };
  const out: EndpointSecurity = { enabled: true, type: s.type };
  // Secrets come back from the server as "" and sending "" keeps the stored value.
  if (s.type === 'BASIC' || s.type === 'DIGEST')
    Object.assign(out, { username: s.username, password: s.password });
  if (s.type === 'APIKEY')
    Object.assign(out, {
      apiKeyIdentifier: s.apiKeyIdentifier,
      apiKeyValue: s.apiKeyValue,
      apiKeyIdentifierType: s.apiKeyIdentifierType,
    });
  if (s.type === 'OAUTH') {
    Object.assign(out, {
      grantType: s.grantType,
      tokenUrl: s.tokenUrl,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
    });
    if (s.grantType === 'PASSWORD') Object.assign(out, { username: s.username, password: s.password });
  }
  return out;
}

/** The endpointConfig for these values; fields of `previous` this form does not edit are kept. */
export function toConfig(v: EndpointValues, previous: EndpointConfig | undefined): EndpointConfig {
  const rest: Record<string, unknown> = { ...(previous ?? {}) };
  for (const k of [
    'endpoint_type',
    'algoCombo',
    'production_endpoints',
    'sandbox_endpoints',
    'production_failovers',
    'sandbox_failovers',
    'endpoint_security',
  ])
    delete rest[k];
  const out: EndpointConfig = { ...rest, endpoint_type: v.endpointType };
  // A mocked API has no backend: its endpoints and their credentials are not sent.
  if (v.endpointType === 'INLINE') return out;
  const prod = v.production.filter((r) => r.url.trim());
  const sand = v.sandbox.filter((r) => r.url.trim());
  if (v.endpointType === 'http') {
    if (prod[0]) out.production_endpoints = endpointOf(prod[0], false);
    if (sand[0]) out.sandbox_endpoints = endpointOf(sand[0], false);
  } else if (v.endpointType === 'load_balance') {
    out.algoCombo = ROUND_ROBIN;
    if (prod.length) out.production_endpoints = prod.map((r) => endpointOf(r, true));
    if (sand.length) out.sandbox_endpoints = sand.map((r) => endpointOf(r, true));
  } else {
    if (prod[0]) {
      out.production_endpoints = endpointOf(prod[0], false);
      out.production_failovers = prod.slice(1).map((r) => endpointOf(r, false));
    }
    if (sand[0]) {
      out.sandbox_endpoints = endpointOf(sand[0], false);
      out.sandbox_failovers = sand.slice(1).map((r) => endpointOf(r, false));
    }
  }
  if (v.productionSecurity.enabled || v.sandboxSecurity.enabled || previous?.endpoint_security)
    out.endpoint_security = {
      production: securityBody(v.productionSecurity),
      sandbox: securityBody(v.sandboxSecurity),
    };
  return out;
}

/**
 * The form field a server message about endpointConfig names: `endpointConfig.production_endpoints[1].url`
 * is `production.1.url`, `...production_failovers[0].url` is `production.1.url` (after the primary),
 * `endpointConfig.endpoint_security.sandbox.username` is `sandboxSecurity.username`.
 */
export function formFieldOf(field: string, type: EndpointType): string | null {
  let m =
    /^endpointConfig\.(production|sandbox)_(endpoints|failovers)(?:\[(\d+)\])?(?:\.(url|weight|config\.actionDuration))?/.exec(
      field,
    );
  if (m) {
    const index = Number(m[3] ?? 0) + (m[2] === 'failovers' ? 1 : 0);
    // Other config fields (retries, suspension) have no field here: the message goes under the URL.
    const leaf = m[4] === 'config.actionDuration' ? 'timeout' : (m[4] ?? 'url');
    return type === 'http' && index > 0 ? null : `${m[1]}.${index}.${leaf}`;
  }
  m = /^endpointConfig\.endpoint_security\.(production|sandbox)\.(\w+)/.exec(field);
  if (m) return `${m[1]}Security.${m[2]}`;
  return null;
}
