// A product's lifecycle: its state, the actions open from it, and its history.
import { Badge, Button, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice, QueryState } from '@shared/components/QueryState';
import { PRODUCTS, type LifecycleHistory, type LifecycleState } from '../../api/products';

export function LifecyclePanel({ productId }: { productId: string }) {
  const client = useQueryClient();
  const key = ['publisher', 'api-product', productId, 'lifecycle'];
  const state = useQuery({
    queryKey: [...key, 'state'],
    queryFn: ({ signal }) => api<LifecycleState>(`${PRODUCTS}/${productId}/lifecycle-state`, { signal }),
  });
  const history = useQuery({
    queryKey: [...key, 'history'],
    queryFn: ({ signal }) => api<LifecycleHistory>(`${PRODUCTS}/${productId}/lifecycle-history`, { signal }),
  });
  const change = useMutation({
    mutationFn: (action: string) =>
      api<{ lifecycleState: LifecycleState }>(`${PRODUCTS}/change-lifecycle`, {
        method: 'POST',
        query: { apiProductId: productId, action },
      }),
    onSuccess: (r, action) => {
      notifySuccess(`${action}: the product is now ${r.lifecycleState.state}`);
      void client.invalidateQueries({ queryKey: ['publisher', 'api-product', productId] });
      void client.invalidateQueries({ queryKey: ['publisher', 'api-products'] });
    },
  });
  return (
    <Stack>
      <QueryState query={state} label="Loading the lifecycle">
        {(s) => (
          <Stack>
            <Group>
              <Text>Current state</Text>
              <Badge size="lg">{s.state}</Badge>
            </Group>
            {s.availableTransitions.length ? (
              <Group>
                {s.availableTransitions.map((t) => (
                  <Button
                    key={t.event}
                    variant={t.event === 'Publish' ? 'filled' : 'default'}
                    loading={change.isPending && change.variables === t.event}
                    disabled={change.isPending && change.variables !== t.event}
                    onClick={() => change.mutate(t.event)}
                  >
                    {t.event}
                  </Button>
                ))}
              </Group>
            ) : (
              <Text c="dimmed">No action is open from this state.</Text>
            )}
            {change.isError && <ErrorNotice error={change.error} title="The lifecycle did not change" />}
          </Stack>
        )}
      </QueryState>
      <Title order={4}>History</Title>
      <QueryState query={history} label="Loading the history">
        {(h) => (
          <Timeline active={h.list.length - 1} bulletSize={14} lineWidth={2}>
            {h.list.map((e, i) => (
              <Timeline.Item
                key={i}
                title={e.previousState ? `${e.previousState} → ${e.postState}` : `Created (${e.postState})`}
              >
                <Text size="xs" c="dimmed">
                  {e.user} · {dayjs(e.updatedTime).format('YYYY-MM-DD HH:mm')}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </QueryState>
    </Stack>
  );
}
