// Analytics traffic: calls, errors and throttled calls over time, the data they carried, and who
// made them (APIs, applications, subscribers).
import { SimpleGrid, Stack } from '@mantine/core';
import { ADMIN } from '@shared/api/client';
import {
  SummaryTiles,
  TopApisPanel,
  TopApplicationsPanel,
  TopUsersPanel,
  TrafficPanel,
} from '@shared/analytics/panels';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

export function TrafficPage() {
  const [filter, setFilter] = useAnalyticsFilter();
  return (
    <Stack>
      <SummaryTiles base={ADMIN} filter={filter} tiles={['count', 'errors', 'throttled', 'bytes']} />
      <TrafficPanel base={ADMIN} filter={filter} title="Calls" show={['count']} />
      <TrafficPanel
        base={ADMIN}
        filter={filter}
        title="Errors and throttled calls"
        show={['errors', 'throttled']}
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <TopApisPanel base={ADMIN} filter={filter} onSelect={(a) => setFilter({ ...filter, ...a })} />
        <TopApplicationsPanel base={ADMIN} filter={filter} onSelect={(a) => setFilter({ ...filter, ...a })} />
      </SimpleGrid>
      <TopUsersPanel base={ADMIN} filter={filter} />
    </Stack>
  );
}
