// Analytics throttling: calls refused by a rate limit or quota, over time, by policy and by
// application (an application drills the dashboard down to it).
import { SimpleGrid, Stack, Text } from '@mantine/core';
import { ADMIN } from '@shared/api/client';
import { BarList, COLORS, TimeSeriesChart } from '@shared/analytics/charts';
import { useAnalytics } from '@shared/analytics/client';
import { Panel } from '@shared/analytics/panels';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

export function ThrottlingPage() {
  const [filter, setFilter] = useAnalyticsFilter();
  const query = useAnalytics(ADMIN, 'throttling', filter);
  return (
    <Stack>
      <Panel title="Throttled calls over time" query={query}>
        {(t) =>
          t.count === 0 ? (
            <Text size="sm" c="dimmed">
              No throttled calls in this period.
            </Text>
          ) : (
            <TimeSeriesChart
              label={`Throttled calls per ${t.granularity}`}
              times={t.overTime.map((p) => p.time)}
              granularity={t.granularity}
              kind="stacked-bars"
              series={[
                { name: 'Throttled', values: t.overTime.map((p) => p.count), color: COLORS.throttled },
              ]}
            />
          )
        }
      </Panel>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Panel title="By policy" query={query} height={160}>
          {(t) => (
            <BarList
              label="Throttled calls by policy"
              valueLabel="Throttled"
              empty="No throttled calls in this period."
              items={t.byPolicy.map((p) => ({
                key: p.policy,
                name: p.policy,
                value: p.count,
                color: COLORS.throttled,
              }))}
            />
          )}
        </Panel>
        <Panel title="By application" query={query} height={160}>
          {(t) => (
            <BarList
              label="Throttled calls by application"
              valueLabel="Throttled"
              empty="No throttled calls in this period."
              onSelect={(key) => {
                const a = t.byApplication.find((x) => x.applicationId === key);
                if (a)
                  setFilter({
                    ...filter,
                    applicationId: a.applicationId,
                    applicationName: a.applicationName,
                  });
              }}
              items={t.byApplication.map((a) => ({
                key: a.applicationId,
                name: a.applicationName,
                selectLabel: `Show only ${a.applicationName}`,
                value: a.count,
                color: COLORS.throttled,
              }))}
            />
          )}
        </Panel>
      </SimpleGrid>
    </Stack>
  );
}
