// Subscription tiers (Publisher v4 GET /throttling-policies/subscription) for the forms that offer them.
import { useQuery } from '@tanstack/react-query';
import { api, PUBLISHER } from '@shared/api/client';

export interface SubscriptionTier {
  name: string;
  displayName?: string;
  description?: string;
}

/** Same key as the API pages' tier query, so the answer is shared. */
export function useSubscriptionTiers() {
  return useQuery({
    queryKey: ['publisher', 'throttling-policies', 'subscription'],
    queryFn: ({ signal }) =>
      api<{ list: SubscriptionTier[] }>(`${PUBLISHER}/throttling-policies/subscription`, { signal }),
    staleTime: 5 * 60_000,
  });
}

export const tierData = (list: SubscriptionTier[] | undefined) =>
  (list ?? []).map((t) => ({ value: t.name, label: t.displayName || t.name }));
