// The time window a dashboard shows, as it lives in the page's URL (so a view can be linked):
// `range` (1h, 24h, 7d, 30d or custom with `from`/`to`), `granularity` (absent: the server picks)
// and the drill-down filters `apiId` / `applicationId` (with their names, for the filter chips).
import type { Granularity } from './types';

export const PRESETS = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
export type Preset = (typeof PRESETS)[number]['value'];
export const DEFAULT_PRESET: Preset = '24h';

export const GRANULARITY_MS: Record<Granularity, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};
/** The server refuses a range/granularity giving more buckets than this. */
export const MAX_BUCKETS = 10_000;

export type TimeRange = { preset: Preset } | { preset: 'custom'; from: string; to: string };

export interface AnalyticsFilter {
  range: TimeRange;
  granularity?: Granularity;
  apiId?: string;
  apiName?: string;
  applicationId?: string;
  applicationName?: string;
}

const isPreset = (v: string | null): v is Preset => PRESETS.some((p) => p.value === v);
const isGranularity = (v: string | null): v is Granularity => v === 'minute' || v === 'hour' || v === 'day';
const validTime = (v: string | null): v is string => !!v && !Number.isNaN(Date.parse(v));

export function filterFromSearch(search: URLSearchParams): AnalyticsFilter {
  const r = search.get('range');
  const from = search.get('from');
  const to = search.get('to');
  const range: TimeRange =
    r === 'custom' && validTime(from) && validTime(to)
      ? { preset: 'custom', from, to }
      : { preset: isPreset(r) ? r : DEFAULT_PRESET };
  const g = search.get('granularity');
  const filter: AnalyticsFilter = { range };
  if (isGranularity(g)) filter.granularity = g;
  for (const k of ['apiId', 'apiName', 'applicationId', 'applicationName'] as const) {
    const v = search.get(k);
    if (v) filter[k] = v;
  }
  return filter;
}

/** Writes `filter` into `search` (a copy), leaving other parameters (a page's own) as they are. */
export function searchWithFilter(search: URLSearchParams, filter: AnalyticsFilter): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const k of [
    'range',
    'from',
    'to',
    'granularity',
    'apiId',
    'apiName',
    'applicationId',
    'applicationName',
  ])
    next.delete(k);
  next.set('range', filter.range.preset);
  if (filter.range.preset === 'custom') {
    next.set('from', filter.range.from);
    next.set('to', filter.range.to);
  }
  if (filter.granularity) next.set('granularity', filter.granularity);
  for (const k of ['apiId', 'apiName', 'applicationId', 'applicationName'] as const) {
    const v = filter[k];
    if (v) next.set(k, v);
  }
  return next;
}

/** The absolute window of `range`: a preset ends at `now`. */
export function windowOf(range: TimeRange, now: number): { from: Date; to: Date } {
  if (range.preset === 'custom') return { from: new Date(range.from), to: new Date(range.to) };
  const ms = PRESETS.find((p) => p.value === range.preset)!.ms;
  return { from: new Date(now - ms), to: new Date(now) };
}

/** How long `range` is, in milliseconds. */
export function spanOf(range: TimeRange): number {
  if (range.preset === 'custom') return Date.parse(range.to) - Date.parse(range.from);
  return PRESETS.find((p) => p.value === range.preset)!.ms;
}

/** The granularity the server uses when none is asked for (<= 2 h minute, <= 7 d hour, else day). */
export function autoGranularity(spanMs: number): Granularity {
  if (spanMs <= 2 * 3_600_000) return 'minute';
  if (spanMs <= 7 * 86_400_000) return 'hour';
  return 'day';
}

/** Whether the server accepts `granularity` over a window of `spanMs`. */
export function granularityFits(granularity: Granularity, spanMs: number): boolean {
  return Math.ceil(spanMs / GRANULARITY_MS[granularity]) <= MAX_BUCKETS;
}

/** The query parameters every analytics route takes, for `filter` at `now`. */
export function queryOf(filter: AnalyticsFilter, now: number) {
  const { from, to } = windowOf(filter.range, now);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    granularity: filter.granularity,
    apiId: filter.apiId,
    applicationId: filter.applicationId,
  };
}
