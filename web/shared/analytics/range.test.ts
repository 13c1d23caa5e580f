import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatLatency, formatRate } from './format';
import {
  autoGranularity,
  filterFromSearch,
  granularityFits,
  queryOf,
  searchWithFilter,
  spanOf,
} from './range';

const NOW = Date.parse('2026-12-06T21:00:00Z');

describe('analytics time range', () => {
  it('a preset ends now and a custom range is taken as written', () => {
    expect(queryOf({ range: { preset: '1h' } }, NOW)).toMatchObject({
      from: '2026-12-06T20:00:00.000Z',
      to: '2026-12-06T21:00:00.000Z',
    });
    const custom = filterFromSearch(
      new URLSearchParams('range=custom&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z'),
    );
    expect(queryOf(custom, NOW)).toMatchObject({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
    });
    expect(spanOf(custom.range)).toBe(86_400_000);
  });

  it('unknown or broken URL parameters fall back to the last 24 hours, automatic granularity', () => {
    expect(filterFromSearch(new URLSearchParams('range=5y&granularity=week'))).toEqual({
      range: { preset: '24h' },
    });
    expect(filterFromSearch(new URLSearchParams('range=custom&from=yesterday'))).toEqual({
      range: { preset: '24h' },
    });
  });

  it('the filter round-trips through the URL and keeps the page’s own parameters', () => {
    const filter = {
      range: { preset: '7d' as const },
      granularity: 'day' as const,
      apiId: 'a1',
      apiName: 'Pets 1.0.0',
    };
    const search = searchWithFilter(new URLSearchParams('tab=x&apiId=old'), filter);
    expect(search.get('tab')).toBe('x');
    expect(filterFromSearch(search)).toEqual(filter);
  });

  it('granularity follows the server: automatic by span, at most 10 000 buckets', () => {
    expect(autoGranularity(3_600_000)).toBe('minute');
    expect(autoGranularity(86_400_000)).toBe('hour');
    expect(autoGranularity(30 * 86_400_000)).toBe('day');
    expect(granularityFits('minute', 86_400_000)).toBe(true);
    expect(granularityFits('minute', 7 * 86_400_000)).toBe(false);
    expect(granularityFits('hour', 30 * 86_400_000)).toBe(true);
  });
});

describe('analytics number formats', () => {
  it('writes counts, latencies, rates and sizes for people', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatLatency(0.42)).toBe('0.42 ms');
    expect(formatLatency(3)).toBe('3 ms');
    expect(formatLatency(48.5)).toBe('48.5 ms');
    expect(formatLatency(250.4)).toBe('250 ms');
    expect(formatLatency(1234)).toBe('1.23 s');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.0004)).toBe('<0.1%');
    expect(formatRate(0.0454)).toBe('4.5%');
    expect(formatRate(0.5)).toBe('50%');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(1_048_576)).toBe('1.0 MB');
  });
});
