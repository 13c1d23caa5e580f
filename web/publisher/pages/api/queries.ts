// The API pages' server state: one query per REST resource, one mutation that saves the API.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, PUBLISHER } from '@shared/api/client';
import type { ApiCategory, ApiDetail, PublisherSettings, ThrottlingPolicy } from '../../api/types';

export const keys = {
  apis: ['publisher', 'apis'] as const,
  api: (id: string) => ['publisher', 'api', id] as const,
  lifecycle: (id: string) => ['publisher', 'api', id, 'lifecycle'] as const,
  revisions: (id: string) => ['publisher', 'api', id, 'revisions'] as const,
  tiers: (level: string) => ['publisher', 'throttling-policies', level] as const,
  categories: ['publisher', 'api-categories'] as const,
  settings: ['publisher', 'settings'] as const,
  mockScripts: (id: string) => ['publisher', 'api', id, 'generated-mock-scripts'] as const,
};

export function useApiDetail(apiId: string) {
  return useQuery({
    queryKey: keys.api(apiId),
    queryFn: ({ signal }) => api<ApiDetail>(`${PUBLISHER}/apis/${apiId}`, { signal }),
  });
}

/** PUT /apis/{apiId} with the whole API object, the changed fields applied. */
export function useSaveApi(current: ApiDetail) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Partial<ApiDetail>) =>
      api<ApiDetail>(`${PUBLISHER}/apis/${current.id}`, { method: 'PUT', body: { ...current, ...changes } }),
    onSuccess: (saved) => {
      client.setQueryData(keys.api(current.id), saved);
      void client.invalidateQueries({ queryKey: keys.apis });
      void client.invalidateQueries({ queryKey: keys.lifecycle(current.id) });
    },
  });
}

export function useTiers(level: 'subscription' | 'api' | 'application') {
  return useQuery({
    queryKey: keys.tiers(level),
    queryFn: ({ signal }) =>
      api<{ list: ThrottlingPolicy[] }>(`${PUBLISHER}/throttling-policies/${level}`, { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: ({ signal }) => api<{ list: ApiCategory[] }>(`${PUBLISHER}/api-categories`, { signal }),
    staleTime: 5 * 60_000,
  });
}

/** The gateway environments to deploy to: Publisher GET /settings, else the one built-in `Default`. */
export function useEnvironments() {
  const query = useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api<PublisherSettings>(`${PUBLISHER}/settings`, { signal }),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const envs = query.data?.environment?.length
    ? query.data.environment.map((e) => ({
        name: e.name,
        label: e.displayName || e.name,
        vhost: e.vhosts?.[0]?.host ?? 'localhost',
      }))
    : [{ name: 'Default', label: 'Default', vhost: 'localhost' }];
  return { envs, isPending: query.isPending };
}

/** A tier's limit in words ("5000 requests per min"; "No limit" for the unlimited ones). */
export function limitOf(t: ThrottlingPolicy): string {
  if (!t.requestCount || t.requestCount >= 2147483647) return 'No limit';
  return `${t.requestCount} requests per ${t.unitTime && t.unitTime > 1 ? `${t.unitTime} ` : ''}${t.timeUnit ?? ''}`.trim();
}

/** The tier names of a GET /throttling-policies answer, for a Select's data. */
export function tierOptions(list: ThrottlingPolicy[] | undefined) {
  return (list ?? []).map((t) => ({ value: t.name, label: `${t.displayName || t.name} (${limitOf(t)})` }));
}
