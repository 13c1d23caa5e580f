// Analytics alert rules and the alerts they raise (the Admin API's /analytics/alert-rules and
// /analytics/alerts): shapes, cache keys, queries, and how a rule's value is written.
import { useQuery } from '@tanstack/react-query';
import { ADMIN, api } from '../api/client';
import { formatCount, formatLatency, formatRate } from './format';

export const ALERT_RULE_TYPES = [
  'errorRate',
  'latencyP95',
  'backendLatency',
  'trafficDrop',
  'throttling',
] as const;
export type AlertRuleType = (typeof ALERT_RULE_TYPES)[number];

export const ALERT_RULE_TYPE_LABELS: Record<AlertRuleType, string> = {
  errorRate: 'Error rate above',
  latencyP95: 'Latency p95 above',
  backendLatency: 'Backend latency p95 above',
  trafficDrop: 'Traffic below',
  throttling: 'Throttled calls above',
};

export interface AlertRule {
  id: string;
  name: string;
  type: AlertRuleType;
  apiId: string | null;
  applicationId: string | null;
  threshold: number;
  windowMinutes: number;
  webhookUrl: string;
  enabled: boolean;
}

export type AlertRuleInput = Omit<AlertRule, 'id'>;

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  state: 'firing' | 'resolved';
  value: number;
  threshold: number;
  firedAt: string;
  resolvedAt: string | null;
}

export const alertPaths = {
  rules: `${ADMIN}/analytics/alert-rules`,
  rule: (id: string) => `${ADMIN}/analytics/alert-rules/${encodeURIComponent(id)}`,
  alerts: `${ADMIN}/analytics/alerts`,
};

export const alertKeys = {
  all: ['analytics', 'alerts'] as const,
  rules: ['analytics', 'alerts', 'rules'] as const,
  alerts: ['analytics', 'alerts', 'list'] as const,
};

/** How often the page asks again: the server evaluates rules every minute by default. */
export const ALERTS_REFRESH_MS = 15_000;

export function useAlertRules() {
  return useQuery({
    queryKey: alertKeys.rules,
    queryFn: ({ signal }) => api<{ count: number; list: AlertRule[] }>(alertPaths.rules, { signal }),
  });
}

export function useAlerts(refreshMs = ALERTS_REFRESH_MS) {
  return useQuery({
    queryKey: alertKeys.alerts,
    queryFn: ({ signal }) => api<{ count: number; list: Alert[] }>(alertPaths.alerts, { signal }),
    refetchInterval: refreshMs,
  });
}

/** A rule's value (or threshold) in its own unit: a rate, milliseconds or a number of calls. */
export function formatAlertValue(type: AlertRuleType | undefined, v: number): string {
  switch (type) {
    case 'errorRate':
      return formatRate(v);
    case 'latencyP95':
    case 'backendLatency':
      return formatLatency(v);
    default:
      return formatCount(v);
  }
}

/** The threshold's unit for a form: what the number typed in means. */
export function thresholdUnit(type: AlertRuleType): string {
  switch (type) {
    case 'errorRate':
      return 'a fraction from 0 to 1 (0.05 is 5% of calls)';
    case 'latencyP95':
    case 'backendLatency':
      return 'milliseconds';
    case 'trafficDrop':
      return 'calls in the window (fires when fewer)';
    case 'throttling':
      return 'throttled calls in the window';
  }
}
