// The dashboards' charts: a time series (lines, areas or stacked bars) drawn by ECharts with its
// numbers in words and, on request, in a table (for screen readers, tests and exact values); and a
// bar list for "top N" rankings, whose names may be buttons that filter the dashboard.
import { useMemo, useState, type ReactNode } from 'react';
import { Button, Group, Progress, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { EChart, type ChartOption } from '../components/EChart';
import { formatBucket, formatCount } from './format';
import type { Granularity } from './types';

/** Medium shades that keep their contrast on the light and on the dark page. */
export const COLORS = {
  calls: '#4c6ef5',
  errors: '#fa5252',
  throttled: '#fd7e14',
  p50: '#12b886',
  p95: '#4c6ef5',
  p99: '#be4bdb',
  backend: '#fab005',
  auth: '#be4bdb',
  throttling: '#fd7e14',
  routing: '#15aabf',
  mediation: '#fab005',
  target: '#fa5252',
  backendErrors: '#e64980',
  other: '#868e96',
};

export interface Series {
  name: string;
  values: number[];
  color: string;
}

export interface TimeSeriesProps {
  /** What the chart shows, e.g. "Calls over time": its accessible name and its table's caption. */
  label: string;
  times: string[];
  granularity: Granularity;
  series: Series[];
  kind?: 'line' | 'area' | 'stacked-bars';
  format?: (n: number) => string;
  /** How the text summary sums a series up: counts add up, latencies peak. */
  summary?: 'total' | 'peak';
  height?: number;
}

function summaryOf(
  s: Series,
  times: string[],
  granularity: Granularity,
  how: 'total' | 'peak',
  format: (n: number) => string,
) {
  let peak = 0;
  for (let i = 1; i < s.values.length; i++) if (s.values[i] > s.values[peak]) peak = i;
  const max = s.values[peak] ?? 0;
  const at = max > 0 && times[peak] ? ` at ${formatBucket(times[peak], granularity)}` : '';
  if (how === 'total') {
    const total = s.values.reduce((a, b) => a + b, 0);
    return `${s.name}: ${format(total)} in total, at most ${format(max)}${at}`;
  }
  return `${s.name}: highest ${format(max)}${at}`;
}

export function TimeSeriesChart({
  label,
  times,
  granularity,
  series,
  kind = 'line',
  format = formatCount,
  summary = 'total',
  height,
}: TimeSeriesProps) {
  const [table, setTable] = useState(false);
  // Panels build their series anew on every render: the chart is given a new option (and
  // animates) only when the numbers change.
  const data = JSON.stringify([times, series, kind, summary]);
  const option = useMemo<ChartOption>(
    () => ({
      color: series.map((s) => s.color),
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? format(v) : String(v)),
      },
      legend: { top: 0, show: series.length > 1 },
      // The axis labels stay inside the element (the legend on top when there are several series).
      grid: {
        left: 8,
        right: 24,
        top: series.length > 1 ? 36 : 12,
        bottom: 8,
        outerBoundsMode: 'same',
        outerBoundsContain: 'axisLabel',
      },
      xAxis: {
        type: 'time',
        axisLabel: {
          hideOverlap: true,
          formatter: {
            year: '{yyyy}',
            month: '{MMM} {d}',
            day: '{MMM} {d}',
            hour: '{HH}:{mm}',
            minute: '{HH}:{mm}',
          },
        },
      },
      yAxis: {
        type: 'value',
        minInterval: summary === 'total' ? 1 : 0,
        axisLabel: { formatter: (v: number) => format(v) },
      },
      series: series.map((s) => ({
        name: s.name,
        type: kind === 'stacked-bars' ? 'bar' : 'line',
        stack: kind === 'stacked-bars' ? 'total' : undefined,
        showSymbol: times.length <= 1,
        areaStyle: kind === 'area' ? { opacity: 0.15 } : undefined,
        data: s.values.map((v, i) => [times[i], v]),
      })),
    }),
    // `data` stands for times, series, kind and summary.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, format],
  );
  return (
    <Stack gap={4}>
      <EChart option={option} label={label} height={height} />
      <Group justify="space-between" align="flex-start">
        <Stack gap={0}>
          {series.map((s) => (
            <Text key={s.name} size="xs" c="dimmed">
              {summaryOf(s, times, granularity, summary, format)}
            </Text>
          ))}
        </Stack>
        <Button variant="subtle" size="compact-xs" aria-expanded={table} onClick={() => setTable((t) => !t)}>
          {table ? 'Hide the table' : 'Show as a table'}
        </Button>
      </Group>
      {table && (
        <Table.ScrollContainer minWidth={300} mah={320}>
          <Table striped fz="xs" captionSide="top">
            <Table.Caption>{label}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                {series.map((s) => (
                  <Table.Th key={s.name} ta="right">
                    {s.name}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {times.map((t, i) => (
                <Table.Tr key={t}>
                  <Table.Td>{formatBucket(t, granularity)}</Table.Td>
                  {series.map((s) => (
                    <Table.Td key={s.name} ta="right">
                      {format(s.values[i] ?? 0)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export interface BarListItem {
  key: string;
  name: ReactNode;
  /** The accessible name of the item's filter button, e.g. "Show only PetStore 1.0.0". */
  selectLabel?: string;
  value: number;
  /** Smaller numbers beside the value (errors, p95, ...). */
  details?: { label: string; value: string }[];
  color?: string;
}

/** A ranking: each item's value as a number and a bar relative to the largest. */
export function BarList({
  label,
  items,
  format = formatCount,
  onSelect,
  valueLabel = 'Calls',
  empty = 'Nothing in this period',
}: {
  label: string;
  items: BarListItem[];
  format?: (n: number) => string;
  onSelect?: (key: string) => void;
  valueLabel?: string;
  empty?: string;
}) {
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  const max = Math.max(1, ...items.map((i) => i.value));
  const detailLabels = items[0].details?.map((d) => d.label) ?? [];
  return (
    <Table.ScrollContainer minWidth={detailLabels.length > 1 ? 440 : 280}>
      <Table aria-label={label} verticalSpacing={4} highlightOnHover={!!onSelect}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th ta="right">{valueLabel}</Table.Th>
            {detailLabels.map((d) => (
              <Table.Th key={d} ta="right">
                {d}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.key}>
              <Table.Td style={{ width: '55%' }}>
                <Stack gap={2}>
                  {onSelect ? (
                    <UnstyledButton
                      onClick={() => onSelect(item.key)}
                      aria-label={item.selectLabel}
                      style={{ textDecoration: 'underline', overflowWrap: 'anywhere' }}
                      fz="sm"
                    >
                      {item.name}
                    </UnstyledButton>
                  ) : (
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {item.name}
                    </Text>
                  )}
                  <Progress
                    value={(item.value / max) * 100}
                    color={item.color ?? COLORS.calls}
                    size="sm"
                    aria-hidden
                  />
                </Stack>
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {format(item.value)}
              </Table.Td>
              {item.details?.map((d) => (
                <Table.Td key={d.label} ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {d.value}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
