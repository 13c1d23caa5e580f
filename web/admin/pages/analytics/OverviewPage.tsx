// Analytics overview: the totals, the traffic over time, and the busiest APIs and applications;
// choosing one of those shows the whole dashboard for it alone.
import { SimpleGrid, Stack } from '@mantine/core';
import { ADMIN } from '@shared/api/client';
import { SummaryTiles, TopApisPanel, TopApplicationsPanel, TrafficPanel } from '@shared/analytics/panels';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

export function OverviewPage() {
  const [filter, setFilter] = useAnalyticsFilter();
  return (
    <Stack>
      <SummaryTiles base={ADMIN} filter={filter} />
      <TrafficPanel base={ADMIN} filter={filter} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <TopApisPanel base={ADMIN} filter={filter} onSelect={(a) => setFilter({ ...filter, ...a })} />
        <TopApplicationsPanel base={ADMIN} filter={filter} onSelect={(a) => setFilter({ ...filter, ...a })} />
      </SimpleGrid>
    </Stack>
  );
}
