// A fake analytics REST API for component tests: answers each route with realistic bodies (or the
// answer a test sets) and records every call's route and query parameters.
import type {
  Errors,
  Events,
  Latency,
  Summary,
  Throttling,
  TopApi,
  TopApplication,
  TopList,
  Traffic,
} from '../analytics/types';
import { mockFetch } from './render';

const T0 = Date.parse('2026-12-06T18:00:00Z');
const times = [0, 1, 2].map((h) => new Date(T0 + h * 3_600_000).toISOString().replace('.000', ''));

export const fixtures = {
  summary: {
    from: '2026-12-05T21:00:00Z',
    to: '2026-12-06T21:00:00Z',
    count: 1234,
    errors: 56,
    errorRate: 56 / 1234,
    throttled: 7,
    requestBytes: 2048,
    responseBytes: 1_048_576,
    latency: { p50: 12, p95: 48.5, p99: 250 },
    backendLatency: { p50: 8, p95: 30, p99: 200 },
  } satisfies Summary,
  traffic: {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    granularity: 'hour',
    list: [
      { time: times[0], count: 400, errors: 10, throttled: 0, requestBytes: 0, responseBytes: 0 },
      { time: times[1], count: 534, errors: 40, throttled: 7, requestBytes: 0, responseBytes: 0 },
      { time: times[2], count: 300, errors: 6, throttled: 0, requestBytes: 0, responseBytes: 0 },
    ],
  } satisfies Traffic,
  latency: {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    granularity: 'hour',
    list: times.map((time, i) => ({
      time,
      count: 100,
      p50: 10 + i,
      p95: 40 + i,
      p99: 90 + i * 100,
      backendP95: 30,
    })),
  } satisfies Latency,
  errors: {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    granularity: 'hour',
    count: 56,
    byCategory: [
      { category: 'auth', count: 30 },
      { category: 'throttling', count: 7 },
      { category: 'routing', count: 4 },
      { category: 'mediation', count: 0 },
      { category: 'target', count: 5 },
      { category: 'backend', count: 10 },
      { category: 'other', count: 0 },
    ],
    list: [
      { category: 'auth', errorCode: 900901, status: 401, count: 30 },
      { category: 'backend', errorCode: 0, status: 500, count: 10 },
    ],
    overTime: times.map((time, i) => ({
      time,
      auth: 10,
      throttling: i === 1 ? 7 : 0,
      routing: 0,
      mediation: 0,
      target: 0,
      backend: 0,
      other: 0,
    })),
  } satisfies Errors,
  'top-apis': {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    list: [
      {
        apiId: 'api-pets',
        apiName: 'PetStore',
        apiVersion: '1.0.0',
        apiContext: '/pets',
        count: 1000,
        errors: 50,
        throttled: 7,
        p95: 45,
      },
      {
        apiId: 'api-echo',
        apiName: 'Echo',
        apiVersion: '2.0.0',
        apiContext: '/echo',
        count: 234,
        errors: 6,
        throttled: 0,
        p95: 3.5,
      },
    ],
  } satisfies TopList<TopApi>,
  'top-applications': {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    list: [
      {
        applicationId: 'app-mobile',
        applicationName: 'Mobile',
        owner: 'alice',
        count: 900,
        errors: 40,
        throttled: 7,
      },
    ],
  } satisfies TopList<TopApplication>,
  'top-users': {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    list: [
      { subscriber: 'alice', count: 900, errors: 40 },
      { subscriber: 'bob', count: 12, errors: 0 },
    ],
  },
  throttling: {
    from: times[0],
    to: '2026-12-06T21:00:00Z',
    granularity: 'hour',
    count: 7,
    overTime: times.map((time, i) => ({ time, count: i === 1 ? 7 : 0 })),
    byPolicy: [{ policy: '10PerMin', count: 7 }],
    byApplication: [{ applicationId: 'app-mobile', applicationName: 'Mobile', count: 7 }],
  } satisfies Throttling,
  events: {
    count: 1,
    list: [
      {
        time: '2026-12-06T20:59:58Z',
        apiId: 'api-pets',
        apiName: 'PetStore',
        apiVersion: '1.0.0',
        operation: 'GET /pets/{id}',
        applicationName: 'Mobile',
        status: 401,
        errorCategory: 'auth',
        totalLatency: 1.5,
        backendLatency: 0,
        requestBytes: 100,
        responseBytes: 200,
        clientIp: '10.0.0.7',
      },
    ],
    pagination: { offset: 0, limit: 25, total: 60 },
  } satisfies Events,
};

export interface AnalyticsCall {
  route: string;
  params: URLSearchParams;
  url: string;
}

type Answer = { status?: number; body?: unknown };

/**
 * Serves the analytics routes (under any base) from `fixtures`; `answer(route, params)` may return
 * another answer. Returns the calls made so far.
 */
export function fakeAnalytics(
  answer?: (route: string, params: URLSearchParams) => Answer | undefined,
  /** The answer to calls of other REST routes (default: 404). */
  other?: (method: string, url: string) => Answer | undefined,
) {
  const calls: AnalyticsCall[] = [];
  mockFetch((method, url) => {
    const u = new URL(url, 'http://portal.test');
    const m = /\/analytics\/([a-z-]+)$/.exec(u.pathname);
    if (!m && other) {
      const a = other(method, url);
      if (a) return a;
    }
    if (!m)
      return {
        status: 404,
        body: { code: 404, message: 'Not Found', description: `No resource at ${u.pathname}` },
      };
    calls.push({ route: m[1], params: u.searchParams, url });
    const custom = answer?.(m[1], u.searchParams);
    if (custom) return custom;
    return { body: fixtures[m[1] as keyof typeof fixtures] };
  });
  return calls;
}
