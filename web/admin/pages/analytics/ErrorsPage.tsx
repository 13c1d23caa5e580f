// Analytics errors: failed calls by category (who refused them: the gateway's checks, its limits,
// its policies, or the backend), over time, and by status and error code.
import { SimpleGrid, Stack } from '@mantine/core';
import { ADMIN } from '@shared/api/client';
import {
  ErrorListPanel,
  ErrorsByCategoryPanel,
  ErrorsOverTimePanel,
  SummaryTiles,
} from '@shared/analytics/panels';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

export function ErrorsPage() {
  const [filter] = useAnalyticsFilter();
  return (
    <Stack>
      <SummaryTiles base={ADMIN} filter={filter} tiles={['count', 'errors', 'errorRate']} />
      <ErrorsOverTimePanel base={ADMIN} filter={filter} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ErrorsByCategoryPanel base={ADMIN} filter={filter} />
        <ErrorListPanel base={ADMIN} filter={filter} />
      </SimpleGrid>
    </Stack>
  );
}
