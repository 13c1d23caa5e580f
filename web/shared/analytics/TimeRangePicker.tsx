// Chooses the dashboard's window: a preset (last hour, day, week, month) or a custom from/to, and
// the granularity of its time series (automatic: the server's choice for the window).
import { useState } from 'react';
import { ActionIcon, Button, Group, NativeSelect, SegmentedControl, TextInput, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { analyticsKeys } from './client';
import dayjs from 'dayjs';
import {
  autoGranularity,
  granularityFits,
  PRESETS,
  spanOf,
  windowOf,
  type AnalyticsFilter,
  type Preset,
  type TimeRange,
} from './range';
import type { Granularity } from './types';

const LOCAL = 'YYYY-MM-DDTHH:mm';

function CustomRange({ range, onApply }: { range: TimeRange; onApply: (r: TimeRange) => void }) {
  // Starts from the window shown now, to be adjusted.
  const [initial] = useState(() => windowOf(range, Date.now()));
  const [from, setFrom] = useState(dayjs(initial.from).format(LOCAL));
  const [to, setTo] = useState(dayjs(initial.to).format(LOCAL));
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const error =
    Number.isNaN(fromMs) || Number.isNaN(toMs)
      ? 'Enter both times'
      : fromMs >= toMs
        ? 'From must be before To'
        : null;
  return (
    <Group align="flex-end" gap="xs">
      <TextInput
        type="datetime-local"
        label="From"
        size="xs"
        value={from}
        onChange={(e) => setFrom(e.currentTarget.value)}
      />
      <TextInput
        type="datetime-local"
        label="To"
        size="xs"
        value={to}
        onChange={(e) => setTo(e.currentTarget.value)}
        error={error && from && to ? error : undefined}
      />
      <Button
        size="xs"
        disabled={!!error}
        onClick={() =>
          onApply({
            preset: 'custom',
            from: new Date(fromMs).toISOString(),
            to: new Date(toMs).toISOString(),
          })
        }
      >
        Apply
      </Button>
    </Group>
  );
}

export function TimeRangePicker({
  filter,
  onChange,
}: {
  filter: AnalyticsFilter;
  onChange: (f: AnalyticsFilter) => void;
}) {
  const [custom, setCustom] = useState(filter.range.preset === 'custom');
  const span = spanOf(filter.range);
  const options: { value: Granularity | ''; label: string; disabled?: boolean }[] = [
    { value: '', label: `Automatic (${autoGranularity(span)})` },
    ...(['minute', 'hour', 'day'] as const).map((g) => ({
      value: g,
      label: `Per ${g}`,
      disabled: !granularityFits(g, span),
    })),
  ];
  // A granularity chosen for a short window may be too fine for a longer one: back to automatic.
  const withRange = (range: TimeRange): AnalyticsFilter => {
    const fits = !filter.granularity || granularityFits(filter.granularity, spanOf(range));
    return { ...filter, range, granularity: fits ? filter.granularity : undefined };
  };
  const choice = custom ? 'custom' : filter.range.preset;
  const choices = [
    ...PRESETS.map((p) => ({ value: p.value, label: p.label })),
    { value: 'custom', label: 'Custom' },
  ];
  const choose = (v: string) => {
    if (v === 'custom') return setCustom(true);
    setCustom(false);
    onChange(withRange({ preset: v as Preset }));
  };
  return (
    <Group align="flex-end" gap="sm">
      {/* Five choices side by side do not fit a phone: a select there. */}
      <SegmentedControl
        aria-label="Time range"
        size="xs"
        visibleFrom="sm"
        value={choice}
        onChange={choose}
        data={choices}
      />
      <NativeSelect
        label="Time range"
        size="xs"
        hiddenFrom="sm"
        value={choice}
        onChange={(e) => choose(e.currentTarget.value)}
        data={choices}
      />
      {custom && <CustomRange range={filter.range} onApply={(r) => onChange(withRange(r))} />}
      <NativeSelect
        label="Granularity"
        size="xs"
        value={filter.granularity ?? ''}
        onChange={(e) =>
          onChange({
            ...filter,
            granularity: (e.currentTarget.value || undefined) as Granularity | undefined,
          })
        }
        data={options}
      />
      <RefreshButton />
    </Group>
  );
}

/** Fetches every analytics panel of the page again: a preset range then ends now. */
function RefreshButton() {
  const client = useQueryClient();
  const fetching = useIsFetching({ queryKey: analyticsKeys.all }) > 0;
  return (
    <Tooltip label="Refresh">
      <ActionIcon
        variant="default"
        size="lg"
        aria-label="Refresh"
        loading={fetching}
        onClick={() => void client.invalidateQueries({ queryKey: analyticsKeys.all })}
      >
        <IconRefresh size={16} />
      </ActionIcon>
    </Tooltip>
  );
}
