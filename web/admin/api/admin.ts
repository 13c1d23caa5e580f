// Typed calls and cache keys of the Admin REST API, shared by the pages.
import { useQuery } from '@tanstack/react-query';
import { ADMIN, api } from '@shared/api/client';
import type { List, PolicyLevel } from './types';

export const keys = {
  policies: (level: PolicyLevel) => ['admin', 'policies', level] as const,
  denyPolicies: ['admin', 'deny-policies'] as const,
  users: ['admin', 'users'] as const,
  keyManagers: ['admin', 'key-managers'] as const,
  categories: ['admin', 'api-categories'] as const,
  signingKeys: ['admin', 'signing-keys'] as const,
  settings: ['admin', 'settings'] as const,
  gateways: ['admin', 'gateways'] as const,
  linterRules: ['admin', 'linter-custom-rules'] as const,
  publisherSettings: ['publisher', 'settings'] as const,
};

export const paths = {
  policies: (level: PolicyLevel) => `${ADMIN}/throttling/policies/${level}`,
  denyPolicies: `${ADMIN}/throttling/deny-policies`,
  denyPolicy: (id: string) => `${ADMIN}/throttling/deny-policy/${encodeURIComponent(id)}`,
  users: `${ADMIN}/users`,
  keyManagers: `${ADMIN}/key-managers`,
  categories: `${ADMIN}/api-categories`,
  signingKeys: `${ADMIN}/signing-keys`,
  settings: `${ADMIN}/settings`,
  gateways: `${ADMIN}/gateways`,
  gateway: (id: string) => `${ADMIN}/gateways/${encodeURIComponent(id)}`,
  linterRules: `${ADMIN}/settings/linter-custom-rules`,
};

/** One of the Admin API's `{count, list}` collections. */
export function useList<T>(key: readonly string[], path: string) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<List<T>>(path, { signal }),
  });
}
