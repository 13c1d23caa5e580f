// The APIs an application subscribes to: change a tier, unsubscribe, subscribe to another API.
import { useState } from 'react';
import { Link } from 'react-router';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconAdjustments, IconPlus, IconTrash } from '@tabler/icons-react';
import { api, DEVPORTAL } from '@shared/api/client';
import { notifyError, notifySuccess, reportFormError } from '@shared/components/forms';
import { ErrorNotice, QueryState } from '@shared/components/QueryState';
import { useApis, useSubscriptionsOfApp } from '../../api/queries';
import type { Application, Subscription } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { tierNames } from '../../components/SubscribeDialog';

function useRefreshSubscriptions() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['subscriptions'] });
    void client.invalidateQueries({ queryKey: ['applications'] });
  };
}

interface NewSubscription {
  apiId: string;
  throttlingPolicy: string;
}

/** Subscribing this application to any API or product of the catalog. */
export function AddSubscription({
  app,
  opened,
  onClose,
  subscribed,
}: {
  app: Application;
  opened: boolean;
  onClose: () => void;
  subscribed: Set<string>;
}) {
  const refresh = useRefreshSubscriptions();
  const apis = useApis('');
  const form = useForm<NewSubscription>({
    mode: 'controlled',
    initialValues: { apiId: '', throttlingPolicy: '' },
    validate: {
      apiId: (v) => (v ? null : 'Choose an API'),
      throttlingPolicy: (v) => (v ? null : 'Choose a tier'),
    },
  });
  const chosen = apis.data?.list.find((a) => a.id === form.values.apiId);
  const tiers = chosen ? tierNames(chosen) : [];
  const add = useMutation({
    mutationFn: (v: NewSubscription) =>
      api<Subscription>(`${DEVPORTAL}/subscriptions`, {
        method: 'POST',
        body: { ...v, applicationId: app.applicationId },
      }),
    onSuccess: () => {
      refresh();
      notifySuccess(`${app.name} is subscribed to ${chosen?.name ?? 'the API'}`);
      form.reset();
      onClose();
    },
    onError: (e) => reportFormError(form, e, ['apiId', 'throttlingPolicy']),
  });
  const options = (apis.data?.list ?? [])
    .filter((a) => a.lifeCycleStatus === undefined || a.lifeCycleStatus === 'PUBLISHED')
    .map((a) => ({
      value: a.id,
      label: `${a.name} ${a.version}${a.type === 'APIPRODUCT' ? ' (product)' : ''}${subscribed.has(a.id) ? ' (subscribed)' : ''}`,
      disabled: subscribed.has(a.id),
    }));
  return (
    <Modal opened={opened} onClose={onClose} title={`Subscribe ${app.name} to an API`}>
      {apis.isError ? (
        <ErrorNotice error={apis.error} onRetry={() => void apis.refetch()} />
      ) : (
        <form noValidate onSubmit={form.onSubmit((v) => add.mutate(v))}>
          <Stack>
            <Select
              label="API"
              placeholder={apis.isPending ? 'Loading APIs…' : 'Search by name'}
              data={options}
              searchable
              limit={50}
              required
              nothingFoundMessage="No published API matches"
              comboboxProps={{ withinPortal: false }}
              {...form.getInputProps('apiId')}
              onChange={(v) => {
                form.setFieldValue('apiId', v ?? '');
                const a = apis.data?.list.find((x) => x.id === v);
                form.setFieldValue('throttlingPolicy', a ? (tierNames(a)[0] ?? '') : '');
              }}
            />
            <Select
              label="Tier"
              data={tiers}
              required
              disabled={!chosen}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
              {...form.getInputProps('throttlingPolicy')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending}>
                Subscribe
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function ChangeTier({ sub, onClose }: { sub: Subscription; onClose: () => void }) {
  const refresh = useRefreshSubscriptions();
  const tiers = sub.apiInfo ? tierNames(sub.apiInfo) : [sub.throttlingPolicy];
  const [tier, setTier] = useState<string | null>(sub.throttlingPolicy);
  const change = useMutation({
    mutationFn: () =>
      api<Subscription>(`${DEVPORTAL}/subscriptions/${sub.subscriptionId}`, {
        method: 'PUT',
        body: {
          subscriptionId: sub.subscriptionId,
          applicationId: sub.applicationId,
          apiId: sub.apiId,
          throttlingPolicy: tier,
          requestedThrottlingPolicy: tier,
          status: sub.status,
        },
      }),
    onSuccess: () => {
      refresh();
      notifySuccess(`The tier is now ${tier}`);
      onClose();
    },
    onError: (e) => notifyError(e, 'The tier was not changed'),
  });
  return (
    <Modal opened onClose={onClose} title={`Change the tier of ${sub.apiInfo?.name ?? 'this subscription'}`}>
      <Stack>
        <Select
          label="Tier"
          data={tiers}
          value={tier}
          onChange={setTier}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => change.mutate()}
            loading={change.isPending}
            disabled={!tier || tier === sub.throttlingPolicy}
          >
            Change tier
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function SubscriptionsTab({ app }: { app: Application }) {
  const subs = useSubscriptionsOfApp(app.applicationId);
  const refresh = useRefreshSubscriptions();
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<Subscription | null>(null);
  const [removing, setRemoving] = useState<Subscription | null>(null);
  const remove = useMutation({
    mutationFn: (s: Subscription) =>
      api(`${DEVPORTAL}/subscriptions/${s.subscriptionId}`, { method: 'DELETE' }),
    onSuccess: (_, s) => {
      refresh();
      notifySuccess(`${app.name} is no longer subscribed to ${s.apiInfo?.name ?? 'the API'}`);
      setRemoving(null);
    },
    onError: (e) => notifyError(e, 'The subscription was not removed'),
  });
  const nameOf = (s: Subscription) => (s.apiInfo ? `${s.apiInfo.name} ${s.apiInfo.version}` : s.apiId);

  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
          Subscribe to an API
        </Button>
      </Group>
      <QueryState query={subs} label="Loading subscriptions">
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">
              No subscription yet: subscribe to an API to call it with this application's keys.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>API</Table.Th>
                    <Table.Th>Tier</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>
                      <span className="mantine-visually-hidden">Actions</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.list.map((s) => (
                    <Table.Tr key={s.subscriptionId}>
                      <Table.Td>
                        <Anchor component={Link} to={`/apis/${s.apiId}`}>
                          {nameOf(s)}
                        </Anchor>
                        {s.apiInfo?.type === 'APIPRODUCT' && (
                          <Badge ml={6} size="xs" variant="light" color="grape.9">
                            Product
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{s.throttlingPolicy}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={s.status === 'UNBLOCKED' ? 'teal.9' : 'orange.9'}>
                          {s.status.toLowerCase().replace(/_/g, ' ')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Tooltip label="Change tier">
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Change the tier of ${nameOf(s)}`}
                              onClick={() => setChanging(s)}
                            >
                              <IconAdjustments size={16} />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label="Unsubscribe">
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Unsubscribe from ${nameOf(s)}`}
                              onClick={() => setRemoving(s)}
                            >
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryState>
      {adding && (
        <AddSubscription
          app={app}
          opened
          onClose={() => setAdding(false)}
          subscribed={new Set((subs.data?.list ?? []).map((s) => s.apiId))}
        />
      )}
      {changing && <ChangeTier sub={changing} onClose={() => setChanging(null)} />}
      <ConfirmDialog
        opened={removing !== null}
        title="Unsubscribe?"
        confirmLabel="Unsubscribe"
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      >
        {app.name} can no longer call {removing ? nameOf(removing) : 'the API'}.
      </ConfirmDialog>
    </Stack>
  );
}
