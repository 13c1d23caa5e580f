// How one's application uses its APIs (Developer Portal): calls per API, errors by category and
// the calls refused by a rate limit, over the chosen window.
import { SimpleGrid, Stack } from '@mantine/core';
import { DEVPORTAL } from '@shared/api/client';
import {
  ErrorsByCategoryPanel,
  FilterChips,
  SummaryTiles,
  TopApisPanel,
  TrafficPanel,
} from '@shared/analytics/panels';
import type { AnalyticsFilter } from '@shared/analytics/range';
import { TimeRangePicker } from '@shared/analytics/TimeRangePicker';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';
import type { Application } from '../../api/types';

export function UsageTab({ app }: { app: Application }) {
  const [linked, setFilter] = useAnalyticsFilter();
  // The page's application is the filter; an application id in the URL cannot change it.
  const filter: AnalyticsFilter = { ...linked, applicationId: app.applicationId, applicationName: undefined };
  const update = (next: AnalyticsFilter) =>
    setFilter({ ...next, applicationId: undefined, applicationName: undefined });
  return (
    <Stack>
      <TimeRangePicker filter={filter} onChange={update} />
      <FilterChips filter={{ ...filter, applicationId: undefined }} onChange={update} />
      <SummaryTiles base={DEVPORTAL} filter={filter} tiles={['count', 'errors', 'throttled', 'latency']} />
      <TopApisPanel
        base={DEVPORTAL}
        filter={filter}
        title="Calls per API"
        onSelect={(a) => update({ ...filter, ...a })}
      />
      <TrafficPanel base={DEVPORTAL} filter={filter} title="Calls over time" />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ErrorsByCategoryPanel base={DEVPORTAL} filter={filter} />
        <TrafficPanel base={DEVPORTAL} filter={filter} title="Throttled calls" show={['throttled']} />
      </SimpleGrid>
    </Stack>
  );
}
