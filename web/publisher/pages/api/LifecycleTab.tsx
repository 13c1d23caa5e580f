// The API's lifecycle: its state, the actions allowed from it (GET /apis/{apiId}/lifecycle-state),
// the publish check-list, and the history of changes as a timeline.
import { useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconArrowRight, IconCircleDot } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { api as call, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice, QueryState } from '@shared/components/QueryState';
import { useAuth } from '@shared/auth/AuthContext';
import type { ApiDetail, LifecycleChange, LifecycleState } from '../../api/types';
import { LifecycleBadge, plainTitle } from '../../components/LifecycleBadge';
import { keys } from './queries';

/** What each action does, said before it is done (the irreversible ones ask to confirm). */
const effects: Record<string, { text: string; confirm?: boolean }> = {
  Publish: { text: 'Developers can see the API and subscribe.' },
  'Re-Publish': { text: 'The gateway serves the API again.' },
  'Deploy as a Prototype': { text: 'Developers can try the API without subscribing.' },
  'Demote to Created': { text: 'The API leaves the Developer Portal.', confirm: true },
  Block: { text: 'The gateway answers 503 to every call until re-published.', confirm: true },
  Deprecate: { text: 'No new subscriptions; existing subscribers keep calling.', confirm: true },
  Retire: { text: 'The API is undeployed everywhere and cannot be deployed again.', confirm: true },
};

function hasEndpoint(api: ApiDetail) {
  const c = api.endpointConfig;
  return Boolean(c && (c.production_endpoints || c.sandbox_endpoints));
}

export function LifecycleTab({ api }: { api: ApiDetail }) {
  const client = useQueryClient();
  const { hasScope } = useAuth();
  const canChange = hasScope('apim:api_publish');
  const state = useQuery({
    queryKey: keys.lifecycle(api.id),
    queryFn: ({ signal }) => call<LifecycleState>(`${PUBLISHER}/apis/${api.id}/lifecycle-state`, { signal }),
  });
  const history = useQuery({
    queryKey: [...keys.lifecycle(api.id), 'history'],
    queryFn: ({ signal }) =>
      call<{ list: LifecycleChange[] }>(`${PUBLISHER}/apis/${api.id}/lifecycle-history`, { signal }),
  });
  const [checks, setChecks] = useState<Record<string, boolean>>({});
  const [confirming, setConfirming] = useState<string | null>(null);

  const change = useMutation({
    mutationFn: (action: string) => {
      const items = state.data?.checkItems ?? [];
      const lifecycleChecklist = items.length
        ? items.map((i) => `${i.name}:${checks[i.name] ?? i.value}`).join(',')
        : undefined;
      return call<{ lifecycleState: LifecycleState }>(`${PUBLISHER}/apis/change-lifecycle`, {
        method: 'POST',
        query: { apiId: api.id, action, lifecycleChecklist },
      });
    },
    onSuccess: (res) => {
      setConfirming(null);
      client.setQueryData(keys.lifecycle(api.id), res.lifecycleState);
      void client.invalidateQueries({ queryKey: keys.lifecycle(api.id) });
      void client.invalidateQueries({ queryKey: keys.api(api.id) });
      void client.invalidateQueries({ queryKey: keys.apis });
      notifySuccess(`${api.name} is now ${res.lifecycleState.state}`);
    },
    onError: () => setConfirming(null),
  });

  const missing = [
    !hasEndpoint(api) && 'an endpoint (Endpoints tab)',
    !api.policies?.length && 'a subscription tier (Subscription tiers tab)',
  ].filter(Boolean);

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
      <QueryState query={state} label="Loading the lifecycle">
        {(s) => (
          <Stack>
            <Group>
              <Text fw={500}>Current state</Text>
              <LifecycleBadge state={s.state} size="lg" />
            </Group>
            {(s.checkItems?.length ?? 0) > 0 && (
              <Paper withBorder p="md" radius="md">
                <Stack gap="xs">
                  <Text size="sm" fw={500}>
                    When publishing
                  </Text>
                  {s.checkItems?.map((i) => (
                    <Checkbox
                      key={i.name}
                      label={i.name}
                      checked={checks[i.name] ?? i.value}
                      onChange={(e) => setChecks({ ...checks, [i.name]: e.currentTarget.checked })}
                    />
                  ))}
                </Stack>
              </Paper>
            )}
            {missing.length > 0 && s.availableTransitions?.some((t) => t.event === 'Publish') && (
              <Alert color="yellow" title="Before publishing" styles={plainTitle}>
                The API needs {missing.join(' and ')}.
              </Alert>
            )}
            {change.isError && <ErrorNotice error={change.error} title="The lifecycle was not changed" />}
            {!canChange && (
              <Text size="sm" c="dimmed">
                Changing the lifecycle needs the publisher role.
              </Text>
            )}
            {(s.availableTransitions?.length ?? 0) === 0 ? (
              <Text c="dimmed">No further action: {s.state} is final.</Text>
            ) : (
              <Stack gap="xs">
                {s.availableTransitions?.map((t) => (
                  <Group key={t.event} wrap="wrap" align="center" gap="xs">
                    <Button
                      w={{ base: '100%', xs: 220 }}
                      variant={t.event === 'Publish' || t.event === 'Re-Publish' ? 'filled' : 'default'}
                      color={effects[t.event]?.confirm ? 'red' : undefined}
                      disabled={!canChange || (change.isPending && change.variables !== t.event)}
                      loading={change.isPending && change.variables === t.event}
                      onClick={() =>
                        effects[t.event]?.confirm ? setConfirming(t.event) : change.mutate(t.event)
                      }
                    >
                      {t.event}
                    </Button>
                    <Text size="sm" c="dimmed">
                      <IconArrowRight size={12} /> {t.targetState}. {effects[t.event]?.text}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )}
            <Modal
              opened={confirming !== null}
              onClose={() => setConfirming(null)}
              title={`${confirming ?? ''} ${api.name}?`}
            >
              <Stack>
                <Text size="sm">{confirming ? effects[confirming]?.text : ''}</Text>
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setConfirming(null)}>
                    Cancel
                  </Button>
                  <Button
                    color="red"
                    loading={change.isPending}
                    onClick={() => confirming && change.mutate(confirming)}
                  >
                    {confirming}
                  </Button>
                </Group>
              </Stack>
            </Modal>
          </Stack>
        )}
      </QueryState>
      <Stack>
        <Title order={3} size="h4">
          History
        </Title>
        <QueryState query={history} label="Loading the history">
          {(h) => (
            <Timeline active={h.list.length - 1} bulletSize={20} lineWidth={2}>
              {h.list.map((e, i) => (
                <Timeline.Item
                  key={i}
                  bullet={<IconCircleDot size={12} />}
                  title={
                    e.previousState ? `${e.previousState} → ${e.postState}` : `Created as ${e.postState}`
                  }
                >
                  <Text size="xs" c="dimmed">
                    {e.user ? `by ${e.user}` : ''}{' '}
                    {e.updatedTime ? dayjs(e.updatedTime).format('YYYY-MM-DD HH:mm:ss') : ''}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </QueryState>
      </Stack>
    </SimpleGrid>
  );
}
