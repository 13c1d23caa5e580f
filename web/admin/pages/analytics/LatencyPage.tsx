// Analytics latency: the gateway's p50, p95 and p99 over time beside the backend's p95, and the
// slowest APIs.
import { Stack } from '@mantine/core';
import { ADMIN } from '@shared/api/client';
import { LatencyPanel, SummaryTiles, TopApisPanel } from '@shared/analytics/panels';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

export function LatencyPage() {
  const [filter, setFilter] = useAnalyticsFilter();
  return (
    <Stack>
      <SummaryTiles base={ADMIN} filter={filter} tiles={['count', 'latency', 'backendLatency']} />
      <LatencyPanel base={ADMIN} filter={filter} />
      <TopApisPanel
        base={ADMIN}
        filter={filter}
        onSelect={(a) => setFilter({ ...filter, ...a })}
        title="APIs (p95 beside each)"
      />
    </Stack>
  );
}
