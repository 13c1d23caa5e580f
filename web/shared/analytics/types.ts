// The analytics REST API's shapes (docs: the analytics contract), the same under the Admin,
// Publisher and Developer Portal bases. The server may add fields; these are the ones we read.

export type Granularity = 'minute' | 'hour' | 'day';

export const ERROR_CATEGORIES = [
  'auth',
  'throttling',
  'routing',
  'mediation',
  'target',
  'backend',
  'other',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface Summary {
  from: string;
  to: string;
  count: number;
  errors: number;
  errorRate: number;
  throttled: number;
  requestBytes: number;
  responseBytes: number;
  latency: Percentiles;
  backendLatency: Percentiles;
}

export interface TrafficPoint {
  time: string;
  count: number;
  errors: number;
  throttled: number;
  requestBytes: number;
  responseBytes: number;
}

export interface Traffic {
  from: string;
  to: string;
  granularity: Granularity;
  list: TrafficPoint[];
}

export interface LatencyPoint extends Percentiles {
  time: string;
  count: number;
  backendP95: number;
}

export interface Latency {
  from: string;
  to: string;
  granularity: Granularity;
  list: LatencyPoint[];
}

export type ErrorsOverTimePoint = { time: string } & Record<ErrorCategory, number>;

export interface Errors {
  from: string;
  to: string;
  granularity: Granularity;
  count: number;
  byCategory: { category: ErrorCategory; count: number }[];
  list: { category: ErrorCategory; errorCode: number; status: number; count: number }[];
  overTime: ErrorsOverTimePoint[];
}

export interface TopApi {
  apiId: string;
  apiName: string;
  apiVersion: string;
  apiContext: string;
  count: number;
  errors: number;
  throttled: number;
  p95: number;
}

export interface TopApplication {
  applicationId: string;
  applicationName: string;
  owner: string;
  count: number;
  errors: number;
  throttled: number;
}

export interface TopList<T> {
  from: string;
  to: string;
  list: T[];
}

export interface Throttling {
  from: string;
  to: string;
  granularity: Granularity;
  count: number;
  overTime: { time: string; count: number }[];
  byPolicy: { policy: string; count: number }[];
  byApplication: { applicationId: string; applicationName: string; count: number }[];
}

export interface AnalyticsEvent {
  time: string;
  apiId?: string;
  apiName?: string;
  apiVersion?: string;
  apiContext?: string;
  operation?: string;
  applicationId?: string;
  applicationName?: string;
  applicationOwner?: string;
  subscriber?: string;
  keyType?: string;
  authType?: string;
  clientIp?: string;
  userAgent?: string;
  environment?: string;
  status: number;
  errorCode?: number;
  errorCategory?: string;
  throttled?: boolean;
  throttlePolicy?: string;
  gatewayLatency?: number;
  backendLatency?: number;
  totalLatency?: number;
  requestBytes?: number;
  responseBytes?: number;
  backend?: string;
  /** The API product the call came through (the API fields name the API it reached). */
  apiProductId?: string | null;
  apiProductName?: string | null;
}

export interface Events {
  count: number;
  list: AnalyticsEvent[];
  pagination: { offset: number; limit: number; total: number };
}
