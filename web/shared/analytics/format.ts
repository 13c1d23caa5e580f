// How the dashboards write numbers: counts with grouping, latencies in ms or s, rates in percent.
import dayjs from 'dayjs';
import type { Granularity } from './types';

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return counts.format(n);
}

export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1).replace(/\.0$/, '')} ms`;
  return `${ms.toFixed(2).replace(/\.?0+$/, '')} ms`;
}

/** A ratio in 0..1 as a percentage. */
export function formatRate(r: number): string {
  const pct = r * 100;
  if (pct === 0) return '0%';
  if (pct < 0.1) return '<0.1%';
  return `${pct.toFixed(pct < 10 ? 1 : 0).replace(/\.0$/, '')}%`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A bucket start in the viewer's time zone, as precise as the granularity. */
export function formatBucket(time: string, granularity: Granularity): string {
  const t = dayjs(time);
  return granularity === 'day' ? t.format('YYYY-MM-DD') : t.format('MM-DD HH:mm');
}
