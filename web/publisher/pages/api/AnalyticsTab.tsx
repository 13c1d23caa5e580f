// One API's analytics in the Publisher: its calls, errors and latency over the chosen window, and
// the applications calling it most (one of them drills the tab down to it).
import { SimpleGrid, Stack } from '@mantine/core';
import { PUBLISHER } from '@shared/api/client';
import {
  ErrorsByCategoryPanel,
  FilterChips,
  LatencyPanel,
  SummaryTiles,
  TopApplicationsPanel,
  TrafficPanel,
} from '@shared/analytics/panels';
import type { AnalyticsFilter } from '@shared/analytics/range';
import { TimeRangePicker } from '@shared/analytics/TimeRangePicker';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';
import type { ApiTabProps } from './tabs';

export function AnalyticsTab({ api }: ApiTabProps) {
  const [linked, setFilter] = useAnalyticsFilter();
  // The page's API is the filter; an API id in the URL cannot widen or change it.
  const filter: AnalyticsFilter = { ...linked, apiId: api.id, apiName: undefined };
  const update = (next: AnalyticsFilter) => setFilter({ ...next, apiId: undefined, apiName: undefined });
  return (
    <Stack>
      <TimeRangePicker filter={filter} onChange={update} />
      <FilterChips filter={{ ...filter, apiId: undefined }} onChange={update} />
      <SummaryTiles
        base={PUBLISHER}
        filter={filter}
        tiles={['count', 'errors', 'throttled', 'latency', 'backendLatency']}
      />
      <TrafficPanel base={PUBLISHER} filter={filter} title="Calls" />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <LatencyPanel base={PUBLISHER} filter={filter} />
        <ErrorsByCategoryPanel base={PUBLISHER} filter={filter} />
      </SimpleGrid>
      <TopApplicationsPanel base={PUBLISHER} filter={filter} onSelect={(a) => update({ ...filter, ...a })} />
    </Stack>
  );
}
