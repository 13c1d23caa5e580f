// Revisions (snapshots of the API) and their deployments to the gateway environments: create,
// compare, restore, delete (not while deployed), deploy and undeploy.
import { lazy, Suspense, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  Menu,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDots } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { api as call, PUBLISHER } from '@shared/api/client';
import { notifyError, notifySuccess } from '@shared/components/forms';
import { Loading, QueryState } from '@shared/components/QueryState';
import { useAuth } from '@shared/auth/AuthContext';
import type { ApiDetail, Deployment, Revision } from '../../api/types';
import { keys, useEnvironments } from './queries';

const RevisionCompare = lazy(() => import('./RevisionCompare').then((m) => ({ default: m.RevisionCompare })));

function DeployModal({
  api,
  revision,
  onClose,
}: {
  api: ApiDetail;
  revision: Revision;
  onClose: () => void;
}) {
  const { envs } = useEnvironments();
  const client = useQueryClient();
  const [chosen, setChosen] = useState<string[]>([envs[0]?.name ?? 'Default']);
  const [display, setDisplay] = useState(true);
  const deploy = useMutation({
    mutationFn: () =>
      call<Deployment[]>(`${PUBLISHER}/apis/${api.id}/deploy-revision`, {
        method: 'POST',
        query: { revisionId: revision.id },
        body: envs
          .filter((e) => chosen.includes(e.name))
          .map((e) => ({ name: e.name, vhost: e.vhost, displayOnDevportal: display })),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.revisions(api.id) });
      notifySuccess(`${revision.displayName} deployed to ${chosen.join(', ')}`);
      onClose();
    },
    onError: (e) => notifyError(e, 'The revision was not deployed'),
  });
  return (
    <Modal opened onClose={onClose} title={`Deploy ${revision.displayName}`}>
      <Stack>
        <Checkbox.Group label="Gateway environments" value={chosen} onChange={setChosen}>
          <Stack gap="xs" mt="xs">
            {envs.map((e) => (
              <Checkbox key={e.name} value={e.name} label={`${e.label} (${e.vhost})`} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Switch
          label="Show the gateway URL on the Developer Portal"
          checked={display}
          onChange={(e) => setDisplay(e.currentTarget.checked)}
        />
        <Text size="sm" c="dimmed">
          A revision deployed to an environment replaces the one deployed there.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={deploy.isPending} disabled={chosen.length === 0} onClick={() => deploy.mutate()}>
            Deploy
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

type Confirm = { kind: 'restore' | 'delete'; revision: Revision } | null;

export function RevisionsTab({ api }: { api: ApiDetail }) {
  const client = useQueryClient();
  const { hasScope } = useAuth();
  const canPublish = hasScope('apim:api_publish');
  const [description, setDescription] = useState('');
  const [deploying, setDeploying] = useState<Revision | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const revisions = useQuery({
    queryKey: keys.revisions(api.id),
    queryFn: ({ signal }) =>
      call<{ count: number; list: Revision[] }>(`${PUBLISHER}/apis/${api.id}/revisions`, { signal }),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: keys.revisions(api.id) });

  const create = useMutation({
    mutationFn: () =>
      call<Revision>(`${PUBLISHER}/apis/${api.id}/revisions`, {
        method: 'POST',
        body: { description: description.trim() },
      }),
    onSuccess: (r) => {
      setDescription('');
      refresh();
      notifySuccess(`${r.displayName} created`);
    },
    onError: (e) => notifyError(e, 'The revision was not created'),
  });
  const undeploy = useMutation({
    mutationFn: ({ revision, env }: { revision: Revision; env: string }) =>
      call(`${PUBLISHER}/apis/${api.id}/undeploy-revision`, {
        method: 'POST',
        query: { revisionId: revision.id },
        body: [{ name: env }],
      }),
    onSuccess: (_, { revision, env }) => {
      refresh();
      notifySuccess(`${revision.displayName} undeployed from ${env}`);
    },
    onError: (e) => notifyError(e, 'The revision was not undeployed'),
  });
  const act = useMutation({
    mutationFn: ({ kind, revision }: NonNullable<Confirm>) =>
      kind === 'delete'
        ? call(`${PUBLISHER}/apis/${api.id}/revisions/${revision.id}`, { method: 'DELETE' })
        : call<ApiDetail>(`${PUBLISHER}/apis/${api.id}/restore-revision`, {
            method: 'POST',
            query: { revisionId: revision.id },
          }),
    onSuccess: (result, { kind, revision }) => {
      setConfirm(null);
      refresh();
      if (kind === 'restore') {
        client.setQueryData(keys.api(api.id), result as ApiDetail);
        notifySuccess(`The working copy is now ${revision.displayName}`);
      } else notifySuccess(`${revision.displayName} deleted`);
    },
    onError: (e, { kind }) => {
      setConfirm(null);
      notifyError(e, kind === 'delete' ? 'The revision was not deleted' : 'The revision was not restored');
    },
  });

  return (
    <Stack>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="New revision"
            description="A snapshot of the working copy; only revisions are deployed"
            placeholder="What changed (optional)"
            maxLength={255}
            style={{ flex: 1, minWidth: 220 }}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Button type="submit" loading={create.isPending}>
            Create revision
          </Button>
        </Group>
      </form>
      <QueryState query={revisions} label="Loading the revisions">
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">No revisions yet: create one to deploy the API to the gateway.</Text>
          ) : (
            <Stack>
              <Table.ScrollContainer minWidth={620}>
                <Table verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Revision</Table.Th>
                      <Table.Th>Description</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Deployed to</Table.Th>
                      <Table.Th>Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.list.map((r) => {
                      const deployed = r.deploymentInfo ?? [];
                      return (
                        <Table.Tr key={r.id}>
                          <Table.Td fw={500}>{r.displayName}</Table.Td>
                          <Table.Td>{r.description}</Table.Td>
                          <Table.Td>
                            {r.createdTime ? dayjs(r.createdTime).format('YYYY-MM-DD HH:mm') : ''}
                          </Table.Td>
                          <Table.Td>
                            <Group gap={4}>
                              {deployed.length === 0 ? (
                                <Text size="sm" c="dimmed">
                                  —
                                </Text>
                              ) : (
                                deployed.map((d) => (
                                  <Badge key={d.name} color="teal" variant="dot">
                                    {d.name}
                                  </Badge>
                                ))
                              )}
                            </Group>
                          </Table.Td>
                          <Table.Td>
                            <Group gap="xs" wrap="nowrap">
                              {canPublish && (
                                <Button size="xs" variant="light" onClick={() => setDeploying(r)}>
                                  Deploy
                                </Button>
                              )}
                              <Menu position="bottom-end" withinPortal>
                                <Menu.Target>
                                  <ActionIcon
                                    variant="subtle"
                                    aria-label={`More actions for ${r.displayName}`}
                                  >
                                    <IconDots size={16} />
                                  </ActionIcon>
                                </Menu.Target>
                                <Menu.Dropdown>
                                  {canPublish &&
                                    deployed.map((d) => (
                                      <Menu.Item
                                        key={d.name}
                                        onClick={() => undeploy.mutate({ revision: r, env: d.name })}
                                      >
                                        Undeploy from {d.name}
                                      </Menu.Item>
                                    ))}
                                  <Menu.Item onClick={() => setConfirm({ kind: 'restore', revision: r })}>
                                    Restore to the working copy
                                  </Menu.Item>
                                  <Menu.Item
                                    color="red"
                                    onClick={() => setConfirm({ kind: 'delete', revision: r })}
                                  >
                                    Delete
                                  </Menu.Item>
                                </Menu.Dropdown>
                              </Menu>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Title order={3} size="h4">
                Compare
              </Title>
              <Suspense fallback={<Loading />}>
                <RevisionCompare apiId={api.id} revisions={data.list} />
              </Suspense>
            </Stack>
          )
        }
      </QueryState>
      {deploying && <DeployModal api={api} revision={deploying} onClose={() => setDeploying(null)} />}
      <Modal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={
          confirm
            ? `${confirm.kind === 'delete' ? 'Delete' : 'Restore'} ${confirm.revision.displayName}?`
            : ''
        }
      >
        <Stack>
          <Text size="sm">
            {confirm?.kind === 'delete'
              ? 'The revision is removed. A deployed revision cannot be deleted: undeploy it first.'
              : 'The working copy is replaced by this revision; changes not in a revision are lost.'}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button
              color={confirm?.kind === 'delete' ? 'red' : undefined}
              loading={act.isPending}
              onClick={() => confirm && act.mutate(confirm)}
            >
              {confirm?.kind === 'delete' ? 'Delete' : 'Restore'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
