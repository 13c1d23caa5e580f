// The analytics REST API of one portal (Admin, Publisher or Developer Portal: same routes under
// each base, each showing what its user may see), through TanStack Query.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Query } from '../api/client';
import { queryOf, type AnalyticsFilter } from './range';
import type {
  Errors,
  Events,
  Latency,
  Summary,
  Throttling,
  TopApi,
  TopApplication,
  TopList,
  Traffic,
} from './types';

export interface AnalyticsRoutes {
  summary: Summary;
  traffic: Traffic;
  latency: Latency;
  errors: Errors;
  'top-apis': TopList<TopApi>;
  'top-applications': TopList<TopApplication>;
  'top-users': TopList<{ subscriber: string; count: number; errors: number }>;
  throttling: Throttling;
  events: Events;
}
export type AnalyticsRoute = keyof AnalyticsRoutes;

export function analyticsPath(base: string, route: AnalyticsRoute): string {
  return `${base}/analytics/${route}`;
}

export const analyticsKeys = {
  all: ['analytics'] as const,
  // The names in the filter only label its chips: they are not part of what is asked.
  route: (
    base: string,
    route: AnalyticsRoute,
    { range, granularity, apiId, applicationId }: AnalyticsFilter,
    extra?: Query,
  ) => ['analytics', base, route, { range, granularity, apiId, applicationId }, extra ?? {}] as const,
};

/**
 * One analytics route for `filter`. A preset range ("last 24 hours") is resolved when the query
 * runs, so a refetch shows the window ending now; the filter, not the instant, is the cache key.
 */
export function useAnalytics<R extends AnalyticsRoute>(
  base: string,
  route: R,
  filter: AnalyticsFilter,
  extra?: Query,
) {
  return useQuery({
    queryKey: analyticsKeys.route(base, route, filter, extra),
    queryFn: ({ signal }) =>
      api<AnalyticsRoutes[R]>(analyticsPath(base, route), {
        signal,
        query: { ...queryOf(filter, Date.now()), ...extra },
      }),
    // The previous range's numbers stay on screen (dimmed) while the new range loads.
    placeholderData: keepPreviousData,
  });
}
