// The DevPortal's reads through TanStack Query: one key per resource, so a change refreshes
// every page that shows it.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import type {
  ApiDetail,
  ApiInfo,
  Application,
  ApplicationAttributeDefinition,
  ApplicationKey,
  Category,
  Document,
  List,
  Settings,
  Subscription,
  Tag,
  ThrottlingPolicy,
} from './types';

export const keys = {
  apis: (query: string) => ['apis', query] as const,
  api: (id: string) => ['api', id] as const,
  swagger: (id: string) => ['api', id, 'swagger'] as const,
  documents: (id: string) => ['api', id, 'documents'] as const,
  thumbnail: (id: string) => ['api', id, 'thumbnail'] as const,
  tags: ['tags'] as const,
  categories: ['api-categories'] as const,
  settings: ['settings'] as const,
  applicationAttributes: ['settings', 'application-attributes'] as const,
  policies: (level: 'application' | 'subscription') => ['throttling-policies', level] as const,
  applications: ['applications'] as const,
  application: (id: string) => ['applications', id] as const,
  oauthKeys: (id: string) => ['applications', id, 'oauth-keys'] as const,
  subscriptionsOfApp: (id: string) => ['subscriptions', 'application', id] as const,
  subscriptionsOfApi: (id: string) => ['subscriptions', 'api', id] as const,
};

/** All catalog entries matching `query` (the product's search syntax); the server returns them in one list. */
export function useApis(query: string) {
  return useQuery({
    queryKey: keys.apis(query),
    queryFn: ({ signal }) =>
      api<List<ApiInfo>>(`${DEVPORTAL}/apis`, { signal, query: { query, limit: 1000 } }),
    placeholderData: keepPreviousData,
  });
}

export function useApi(id: string) {
  return useQuery({
    queryKey: keys.api(id),
    queryFn: ({ signal }) => api<ApiDetail>(`${DEVPORTAL}/apis/${encodeURIComponent(id)}`, { signal }),
  });
}

/** The OpenAPI definition as JSON. */
export type OpenApiDocument = Record<string, unknown> & { servers?: { url: string }[] };

export function useSwagger(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.swagger(id),
    queryFn: ({ signal }) =>
      api<OpenApiDocument>(`${DEVPORTAL}/apis/${encodeURIComponent(id)}/swagger`, { signal }),
    enabled,
    staleTime: 60_000,
  });
}

export function useDocuments(id: string) {
  return useQuery({
    queryKey: keys.documents(id),
    queryFn: ({ signal }) =>
      api<List<Document>>(`${DEVPORTAL}/apis/${encodeURIComponent(id)}/documents`, { signal }),
  });
}

export function useTags() {
  return useQuery({
    queryKey: keys.tags,
    queryFn: ({ signal }) => api<List<Tag>>(`${DEVPORTAL}/tags`, { signal }),
    staleTime: 60_000,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: ({ signal }) => api<List<Category>>(`${DEVPORTAL}/api-categories`, { signal }),
    staleTime: 60_000,
  });
}

export function useSettings() {
  return useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api<Settings>(`${DEVPORTAL}/settings`, { signal }),
    staleTime: 300_000,
  });
}

/** The application attributes the server defines; an answer without a list counts as none. */
export function useApplicationAttributes(enabled = true) {
  return useQuery({
    queryKey: keys.applicationAttributes,
    queryFn: async ({ signal }) => {
      const r = await api<Partial<List<ApplicationAttributeDefinition>> | null>(
        `${DEVPORTAL}/settings/application-attributes`,
        { signal },
      );
      return Array.isArray(r?.list)
        ? r.list.filter((a) => a && typeof a.attribute === 'string' && a.attribute)
        : [];
    },
    enabled,
    staleTime: 300_000,
  });
}

export function usePolicies(level: 'application' | 'subscription', enabled = true) {
  return useQuery({
    queryKey: keys.policies(level),
    queryFn: ({ signal }) =>
      api<List<ThrottlingPolicy>>(`${DEVPORTAL}/throttling-policies/${level}`, { signal }),
    enabled,
    staleTime: 60_000,
  });
}

export function useApplications(enabled = true) {
  return useQuery({
    queryKey: keys.applications,
    queryFn: ({ signal }) =>
      api<List<Application>>(`${DEVPORTAL}/applications`, { signal, query: { limit: 1000 } }),
    enabled,
  });
}

export function useApplication(id: string) {
  return useQuery({
    queryKey: keys.application(id),
    queryFn: ({ signal }) =>
      api<Application>(`${DEVPORTAL}/applications/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useOAuthKeys(appId: string, enabled = true) {
  return useQuery({
    queryKey: keys.oauthKeys(appId),
    queryFn: ({ signal }) =>
      api<List<ApplicationKey>>(`${DEVPORTAL}/applications/${encodeURIComponent(appId)}/oauth-keys`, {
        signal,
      }),
    enabled,
  });
}

export function useSubscriptionsOfApp(appId: string) {
  return useQuery({
    queryKey: keys.subscriptionsOfApp(appId),
    queryFn: ({ signal }) =>
      api<List<Subscription>>(`${DEVPORTAL}/subscriptions`, {
        signal,
        query: { applicationId: appId, limit: 1000 },
      }),
  });
}

/** The signed-in user's subscriptions to one API (over all their applications). */
export function useSubscriptionsOfApi(apiId: string, enabled = true) {
  return useQuery({
    queryKey: keys.subscriptionsOfApi(apiId),
    queryFn: ({ signal }) =>
      api<List<Subscription>>(`${DEVPORTAL}/subscriptions`, { signal, query: { apiId, limit: 1000 } }),
    enabled,
  });
}

/** The base URL to call an API through the gateway: its listed endpoint URLs, else its definition's first server. */
export function gatewayUrlOf(
  detail: ApiDetail | undefined,
  swagger: OpenApiDocument | undefined,
): string | null {
  for (const e of detail?.endpointURLs ?? []) {
    const u = e.URLs?.https || e.URLs?.http;
    if (u) return u;
  }
  const s = swagger?.servers?.[0]?.url;
  return s ?? null;
}
