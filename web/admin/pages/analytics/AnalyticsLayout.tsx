// The Admin portal's analytics: one filter bar (time range, granularity, the API or application
// drilled into) over a tab per dashboard; every tab keeps the filter, which lives in the URL. The
// Alerts tab (rules and what they raised) has no time range.
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { Group, Stack, Tabs, Title } from '@mantine/core';
import { FilterChips } from '@shared/analytics/panels';
import { TimeRangePicker } from '@shared/analytics/TimeRangePicker';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

export const analyticsTabs = [
  { value: 'overview', label: 'Overview' },
  { value: 'traffic', label: 'Traffic' },
  { value: 'errors', label: 'Errors' },
  { value: 'latency', label: 'Latency' },
  { value: 'throttling', label: 'Throttling' },
  { value: 'events', label: 'Events' },
  { value: 'alerts', label: 'Alerts' },
] as const;

/** Tabs that are not traffic in a time range: no time picker, no filter. */
const unfiltered = new Set<string>(['alerts']);

export function AnalyticsLayout() {
  const [filter, setFilter] = useAnalyticsFilter();
  const location = useLocation();
  const navigate = useNavigate();
  const current = location.pathname.split('/')[2] ?? 'overview';
  const tab = analyticsTabs.some((t) => t.value === current) ? current : 'overview';
  return (
    <Stack>
      <Title order={2}>Analytics</Title>
      {!unfiltered.has(tab) && (
        <>
          <Group justify="space-between" align="flex-end">
            <TimeRangePicker filter={filter} onChange={setFilter} />
          </Group>
          <FilterChips filter={filter} onChange={setFilter} />
        </>
      )}
      <Tabs
        value={tab}
        onChange={(v) => navigate(`/analytics/${v ?? 'overview'}${location.search}`)}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          {analyticsTabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}

/** /analytics opens the overview, keeping a linked filter. */
export function AnalyticsIndex() {
  const { search } = useLocation();
  return <Navigate to={`/analytics/overview${search}`} replace />;
}
