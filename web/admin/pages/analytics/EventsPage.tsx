// Analytics events: the raw calls, newest first, a page at a time (as long as the server keeps
// raw events).
import { useState } from 'react';
import { Badge, Group, Pagination, Table, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { ADMIN } from '@shared/api/client';
import { useAnalytics } from '@shared/analytics/client';
import { formatBytes, formatLatency } from '@shared/analytics/format';
import { CATEGORY_LABELS, Panel } from '@shared/analytics/panels';
import type { AnalyticsFilter } from '@shared/analytics/range';
import type { ErrorCategory } from '@shared/analytics/types';
import { useAnalyticsFilter } from '@shared/analytics/useAnalyticsFilter';

const PAGE = 25;

function Events({ filter }: { filter: AnalyticsFilter }) {
  const [page, setPage] = useState(1);
  const query = useAnalytics(ADMIN, 'events', filter, { limit: PAGE, offset: (page - 1) * PAGE });
  return (
    <Panel title="Events" query={query} height={400}>
      {(e) =>
        e.list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No calls in this period.
          </Text>
        ) : (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table aria-label="Events" striped fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>API</Table.Th>
                    <Table.Th>Operation</Table.Th>
                    <Table.Th>Application</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th ta="right">Latency</Table.Th>
                    <Table.Th ta="right">Backend</Table.Th>
                    <Table.Th ta="right">Size</Table.Th>
                    <Table.Th>Client</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {e.list.map((ev, i) => (
                    <Table.Tr key={`${ev.time}-${i}`}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {dayjs(ev.time).format('YYYY-MM-DD HH:mm:ss')}
                      </Table.Td>
                      <Table.Td>
                        {ev.apiName ? `${ev.apiName} ${ev.apiVersion ?? ''}` : '—'}
                        {ev.apiProductName && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            via {ev.apiProductName}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <code>{ev.operation ?? '—'}</code>
                      </Table.Td>
                      <Table.Td>{ev.applicationName || '—'}</Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          {ev.status}
                          {ev.errorCategory && (
                            <Badge size="xs" variant="light" color="red.9">
                              {CATEGORY_LABELS[ev.errorCategory as ErrorCategory] ?? ev.errorCategory}
                            </Badge>
                          )}
                          {ev.throttled && (
                            <Badge size="xs" variant="light" color="orange.9">
                              {ev.throttlePolicy || 'throttled'}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td ta="right">
                        {ev.totalLatency === undefined ? '—' : formatLatency(ev.totalLatency)}
                      </Table.Td>
                      <Table.Td ta="right">
                        {ev.backendLatency === undefined ? '—' : formatLatency(ev.backendLatency)}
                      </Table.Td>
                      <Table.Td ta="right">
                        {formatBytes((ev.requestBytes ?? 0) + (ev.responseBytes ?? 0))}
                      </Table.Td>
                      <Table.Td>{ev.clientIp ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between" mt="sm">
              <Text size="sm" c="dimmed">
                {e.pagination.total} in all
              </Text>
              {e.pagination.total > PAGE && (
                <Pagination
                  total={Math.ceil(e.pagination.total / PAGE)}
                  value={page}
                  onChange={setPage}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                  getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                />
              )}
            </Group>
          </>
        )
      }
    </Panel>
  );
}

export function EventsPage() {
  const [filter] = useAnalyticsFilter();
  // A new filter starts again at the first page.
  return <Events key={JSON.stringify(filter)} filter={filter} />;
}
