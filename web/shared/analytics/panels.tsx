// The dashboards' building blocks, shared by the three portals: each reads one analytics route
// under the portal's base for the page's filter and shows it with its own loading, error and
// empty states (a failed call shows the server's message, e.g. a 404 for an API one may not see).
import type { ReactNode } from 'react';
import { Badge, Card, CloseButton, Group, SimpleGrid, Skeleton, Table, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorNotice } from '../components/QueryState';
import { BarList, COLORS, TimeSeriesChart } from './charts';
import { useAnalytics } from './client';
import { formatBytes, formatCount, formatLatency, formatRate } from './format';
import type { AnalyticsFilter } from './range';
import { ERROR_CATEGORIES, type ErrorCategory, type Summary } from './types';

export const CATEGORY_LABELS: Record<ErrorCategory, string> = {
  auth: 'Authentication',
  throttling: 'Throttling',
  routing: 'Routing',
  mediation: 'Mediation',
  target: 'Backend unreachable',
  backend: 'Backend errors',
  other: 'Other',
};
const CATEGORY_COLORS: Record<ErrorCategory, string> = {
  auth: COLORS.auth,
  throttling: COLORS.throttling,
  routing: COLORS.routing,
  mediation: COLORS.mediation,
  target: COLORS.target,
  backend: COLORS.backendErrors,
  other: COLORS.other,
};

interface PanelProps {
  base: string;
  filter: AnalyticsFilter;
}

/** A titled card showing `query`: a skeleton while it loads, the server's message if it failed. */
export function Panel<T>({
  title,
  query,
  children,
  height = 260,
  actions,
}: {
  title: string;
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  height?: number;
  actions?: ReactNode;
}) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {title}
        </Title>
        {actions}
      </Group>
      {query.isPending ? (
        <Skeleton height={height} aria-label={`Loading ${title.toLowerCase()}`} role="status" />
      ) : query.isError ? (
        <ErrorNotice
          error={query.error}
          onRetry={() => void query.refetch()}
          title={`${title} could not be loaded`}
        />
      ) : (
        <div
          aria-busy={query.isPlaceholderData || query.isFetching}
          style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}
        >
          {children(query.data)}
        </div>
      )}
    </Card>
  );
}

function Tile({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  const id = `tile-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Card withBorder padding="sm" role="group" aria-labelledby={id}>
      <Text id={id} size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

export type SummaryTile =
  'count' | 'errors' | 'errorRate' | 'throttled' | 'latency' | 'backendLatency' | 'bytes';

const TILES: Record<SummaryTile, (s: Summary) => { label: string; value: string; hint?: string }> = {
  count: (s) => ({ label: 'Calls', value: formatCount(s.count) }),
  errors: (s) => ({
    label: 'Errors',
    value: formatCount(s.errors),
    hint: `${formatRate(s.errorRate)} of calls`,
  }),
  errorRate: (s) => ({ label: 'Error rate', value: formatRate(s.errorRate) }),
  throttled: (s) => ({ label: 'Throttled', value: formatCount(s.throttled) }),
  latency: (s) => ({
    label: 'Latency p95',
    value: formatLatency(s.latency.p95),
    hint: `p50 ${formatLatency(s.latency.p50)} · p99 ${formatLatency(s.latency.p99)}`,
  }),
  backendLatency: (s) => ({
    label: 'Backend p95',
    value: formatLatency(s.backendLatency.p95),
    hint: `p50 ${formatLatency(s.backendLatency.p50)} · p99 ${formatLatency(s.backendLatency.p99)}`,
  }),
  bytes: (s) => ({
    label: 'Data',
    value: formatBytes(s.requestBytes + s.responseBytes),
    hint: `${formatBytes(s.requestBytes)} in · ${formatBytes(s.responseBytes)} out`,
  }),
};

export function SummaryTiles({
  base,
  filter,
  tiles = ['count', 'errors', 'throttled', 'latency', 'backendLatency', 'bytes'],
}: PanelProps & { tiles?: SummaryTile[] }) {
  const query = useAnalytics(base, 'summary', filter);
  if (query.isError)
    return (
      <ErrorNotice
        error={query.error}
        onRetry={() => void query.refetch()}
        title="The summary could not be loaded"
      />
    );
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: tiles.length }} aria-label="Summary" role="region">
      {tiles.map((t) => {
        if (query.isPending) return <Skeleton key={t} height={84} />;
        const tile = TILES[t](query.data);
        return <Tile key={t} {...tile} />;
      })}
    </SimpleGrid>
  );
}

type TrafficSeries = 'count' | 'errors' | 'throttled';
const TRAFFIC_NAMES: Record<TrafficSeries, string> = {
  count: 'Calls',
  errors: 'Errors',
  throttled: 'Throttled',
};

export function TrafficPanel({
  base,
  filter,
  title = 'Traffic',
  show = ['count', 'errors', 'throttled'],
}: PanelProps & { title?: string; show?: TrafficSeries[] }) {
  const query = useAnalytics(base, 'traffic', filter);
  return (
    <Panel title={title} query={query}>
      {(t) =>
        t.list.every((p) => p.count === 0) ? (
          <Text size="sm" c="dimmed">
            No calls in this period.
          </Text>
        ) : (
          <TimeSeriesChart
            label={`${title}: ${show.map((s) => TRAFFIC_NAMES[s].toLowerCase()).join(', ')} per ${t.granularity}`}
            times={t.list.map((p) => p.time)}
            granularity={t.granularity}
            kind="area"
            series={show.map((s) => ({
              name: TRAFFIC_NAMES[s],
              values: t.list.map((p) => p[s]),
              color: COLORS[s === 'count' ? 'calls' : s],
            }))}
          />
        )
      }
    </Panel>
  );
}

export function LatencyPanel({ base, filter }: PanelProps) {
  const query = useAnalytics(base, 'latency', filter);
  return (
    <Panel title="Latency" query={query}>
      {(l) =>
        l.list.every((p) => p.count === 0) ? (
          <Text size="sm" c="dimmed">
            No calls in this period.
          </Text>
        ) : (
          <TimeSeriesChart
            label={`Latency percentiles per ${l.granularity}`}
            times={l.list.map((p) => p.time)}
            granularity={l.granularity}
            summary="peak"
            format={formatLatency}
            series={[
              { name: 'p50', values: l.list.map((p) => p.p50), color: COLORS.p50 },
              { name: 'p95', values: l.list.map((p) => p.p95), color: COLORS.p95 },
              { name: 'p99', values: l.list.map((p) => p.p99), color: COLORS.p99 },
              { name: 'Backend p95', values: l.list.map((p) => p.backendP95), color: COLORS.backend },
            ]}
          />
        )
      }
    </Panel>
  );
}

export function ErrorsByCategoryPanel({ base, filter }: PanelProps) {
  const query = useAnalytics(base, 'errors', filter);
  return (
    <Panel title="Errors by category" query={query} height={180}>
      {(e) => (
        <BarList
          label="Errors by category"
          valueLabel="Errors"
          empty="No errors in this period."
          items={
            e.count === 0
              ? []
              : ERROR_CATEGORIES.map((c) => ({
                  key: c,
                  name: CATEGORY_LABELS[c],
                  value: e.byCategory.find((b) => b.category === c)?.count ?? 0,
                  color: CATEGORY_COLORS[c],
                }))
          }
        />
      )}
    </Panel>
  );
}

export function ErrorsOverTimePanel({ base, filter }: PanelProps) {
  const query = useAnalytics(base, 'errors', filter);
  return (
    <Panel title="Errors over time" query={query}>
      {(e) =>
        e.count === 0 ? (
          <Text size="sm" c="dimmed">
            No errors in this period.
          </Text>
        ) : (
          <TimeSeriesChart
            label={`Errors per ${e.granularity} by category`}
            times={e.overTime.map((p) => p.time)}
            granularity={e.granularity}
            kind="stacked-bars"
            series={ERROR_CATEGORIES.map((c) => ({
              name: CATEGORY_LABELS[c],
              values: e.overTime.map((p) => p[c]),
              color: CATEGORY_COLORS[c],
            }))}
          />
        )
      }
    </Panel>
  );
}

export function ErrorListPanel({ base, filter }: PanelProps) {
  const query = useAnalytics(base, 'errors', filter);
  return (
    <Panel title="Errors by status and code" query={query} height={160}>
      {(e) =>
        e.list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No errors in this period.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={360}>
            <Table aria-label="Errors by status and code" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Category</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Error code</Table.Th>
                  <Table.Th ta="right">Count</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {e.list.map((row) => (
                  <Table.Tr key={`${row.category}-${row.status}-${row.errorCode}`}>
                    <Table.Td>
                      <Badge variant="light" color="gray.9" autoContrast>
                        {CATEGORY_LABELS[row.category] ?? row.category}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{row.status}</Table.Td>
                    <Table.Td>{row.errorCode || '—'}</Table.Td>
                    <Table.Td ta="right">{formatCount(row.count)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </Panel>
  );
}

export function TopApisPanel({
  base,
  filter,
  onSelect,
  title = 'Top APIs',
  limit = 10,
}: PanelProps & {
  onSelect?: (api: { apiId: string; apiName: string }) => void;
  title?: string;
  limit?: number;
}) {
  const query = useAnalytics(base, 'top-apis', filter, { limit });
  return (
    <Panel title={title} query={query} height={200}>
      {(top) => (
        <BarList
          label={title}
          empty="No calls in this period."
          onSelect={
            onSelect &&
            ((key) => {
              const a = top.list.find((x) => x.apiId === key);
              if (a) onSelect({ apiId: a.apiId, apiName: `${a.apiName} ${a.apiVersion}` });
            })
          }
          items={top.list.map((a) => ({
            key: a.apiId,
            name: `${a.apiName} ${a.apiVersion}`,
            selectLabel: `Show only ${a.apiName} ${a.apiVersion}`,
            value: a.count,
            details: [
              { label: 'Errors', value: formatCount(a.errors) },
              { label: 'Throttled', value: formatCount(a.throttled) },
              { label: 'p95', value: formatLatency(a.p95) },
            ],
          }))}
        />
      )}
    </Panel>
  );
}

export function TopApplicationsPanel({
  base,
  filter,
  onSelect,
  title = 'Top applications',
  limit = 10,
}: PanelProps & {
  onSelect?: (app: { applicationId: string; applicationName: string }) => void;
  title?: string;
  limit?: number;
}) {
  const query = useAnalytics(base, 'top-applications', filter, { limit });
  return (
    <Panel title={title} query={query} height={200}>
      {(top) => (
        <BarList
          label={title}
          empty="No calls from applications in this period."
          onSelect={
            onSelect &&
            ((key) => {
              const a = top.list.find((x) => x.applicationId === key);
              if (a) onSelect({ applicationId: a.applicationId, applicationName: a.applicationName });
            })
          }
          items={top.list.map((a) => ({
            key: a.applicationId,
            name: a.owner ? `${a.applicationName} (${a.owner})` : a.applicationName,
            selectLabel: `Show only ${a.applicationName}`,
            value: a.count,
            details: [
              { label: 'Errors', value: formatCount(a.errors) },
              { label: 'Throttled', value: formatCount(a.throttled) },
            ],
          }))}
        />
      )}
    </Panel>
  );
}

export function TopUsersPanel({ base, filter, limit = 10 }: PanelProps & { limit?: number }) {
  const query = useAnalytics(base, 'top-users', filter, { limit });
  return (
    <Panel title="Top subscribers" query={query} height={200}>
      {(top) => (
        <BarList
          label="Top subscribers"
          empty="No calls from subscribers in this period."
          items={top.list.map((u) => ({
            key: u.subscriber,
            name: u.subscriber,
            value: u.count,
            details: [{ label: 'Errors', value: formatCount(u.errors) }],
          }))}
        />
      )}
    </Panel>
  );
}

/** The drill-down filters in effect, each a chip with a button that removes it. */
export function FilterChips({
  filter,
  onChange,
}: {
  filter: AnalyticsFilter;
  onChange: (f: AnalyticsFilter) => void;
}) {
  const chips: { label: string; clear: AnalyticsFilter }[] = [];
  if (filter.apiId)
    chips.push({
      label: `API: ${filter.apiName ?? filter.apiId}`,
      clear: { ...filter, apiId: undefined, apiName: undefined },
    });
  if (filter.applicationId)
    chips.push({
      label: `Application: ${filter.applicationName ?? filter.applicationId}`,
      clear: { ...filter, applicationId: undefined, applicationName: undefined },
    });
  if (chips.length === 0) return null;
  return (
    <Group gap="xs" role="list" aria-label="Filters">
      {chips.map((c) => (
        <Badge
          key={c.label}
          role="listitem"
          size="lg"
          variant="light"
          tt="none"
          rightSection={
            <CloseButton
              size="xs"
              aria-label={`Clear the filter ${c.label}`}
              onClick={() => onChange(c.clear)}
            />
          }
        >
          {c.label}
        </Badge>
      ))}
    </Group>
  );
}
