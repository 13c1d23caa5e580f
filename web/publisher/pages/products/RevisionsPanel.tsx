// A product's revisions and where they are deployed: create, deploy, undeploy, restore, delete.
import { useState } from 'react';
import { Badge, Button, Group, Menu, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '@shared/api/client';
import { notifyError, notifySuccess } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { PRODUCTS, type Deployment, type Revision } from '../../api/products';

const ENV = { name: 'Default', vhost: 'localhost', displayOnDevportal: true };

export function RevisionsPanel({ productId }: { productId: string }) {
  const client = useQueryClient();
  const base = `${PRODUCTS}/${productId}`;
  const key = ['publisher', 'api-product', productId, 'revisions'];
  const [description, setDescription] = useState('');
  const revisions = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ list: Revision[] }>(`${base}/revisions`, { signal }),
  });
  const deployments = useQuery({
    queryKey: [...key, 'deployments'],
    queryFn: ({ signal }) => api<{ list: Deployment[] }>(`${base}/deployments`, { signal }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: key });
  const act = useMutation({
    mutationFn: async (a: { kind: 'create' | 'deploy' | 'undeploy' | 'restore' | 'delete'; id?: string }) => {
      switch (a.kind) {
        case 'create':
          return api(`${base}/revisions`, { method: 'POST', body: { description } });
        case 'deploy':
          return api(`${base}/deploy-revision`, { method: 'POST', query: { revisionId: a.id }, body: [ENV] });
        case 'undeploy':
          return api(`${base}/undeploy-revision`, {
            method: 'POST',
            query: { revisionId: a.id },
            body: [{ name: ENV.name }],
          });
        case 'restore':
          return api(`${base}/restore-revision`, { method: 'POST', query: { revisionId: a.id } });
        case 'delete':
          return api(`${base}/revisions/${a.id}`, { method: 'DELETE' });
      }
    },
    onSuccess: (_, a) => {
      const done = {
        create: 'Revision created',
        deploy: 'Revision deployed to Default',
        undeploy: 'Revision undeployed',
        restore: 'Working copy restored from the revision',
        delete: 'Revision deleted',
      };
      notifySuccess(done[a.kind]);
      if (a.kind === 'create') setDescription('');
      void refresh();
      if (a.kind === 'restore')
        void client.invalidateQueries({ queryKey: ['publisher', 'api-product', productId] });
    },
    onError: (e) => notifyError(e, 'The revision action failed'),
  });
  const deployedOf = (id: string) => (deployments.data?.list ?? []).filter((d) => d.revisionUuid === id);
  const busy = (kind: string, id?: string) =>
    act.isPending && act.variables?.kind === kind && act.variables.id === id;

  return (
    <Stack>
      <Title order={4}>Revisions</Title>
      <Text size="sm" c="dimmed">
        A revision freezes the product with its APIs' endpoints and policies as they are now; deploy one to
        put it on the gateway.
      </Text>
      <Group align="flex-end">
        <TextInput
          label="Description of a new revision"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          style={{ flex: 1 }}
          maw={420}
        />
        <Button loading={busy('create')} onClick={() => act.mutate({ kind: 'create' })}>
          Create revision
        </Button>
      </Group>
      <QueryState query={revisions} label="Loading the revisions">
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">No revisions yet.</Text>
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Revision</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Deployed</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.list.map((r) => {
                    const deployed = deployedOf(r.id);
                    return (
                      <Table.Tr key={r.id}>
                        <Table.Td>
                          <Text fw={500}>{r.displayName}</Text>
                          {r.description && (
                            <Text size="xs" c="dimmed">
                              {r.description}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {r.createdTime ? dayjs(r.createdTime).format('YYYY-MM-DD HH:mm') : ''}
                        </Table.Td>
                        <Table.Td>
                          {deployed.length ? (
                            deployed.map((d) => (
                              <Badge key={d.name} color="teal.9">
                                {d.name}
                              </Badge>
                            ))
                          ) : (
                            <Text size="sm" c="dimmed">
                              no
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            {deployed.length ? (
                              <Button
                                size="xs"
                                variant="default"
                                loading={busy('undeploy', r.id)}
                                onClick={() => act.mutate({ kind: 'undeploy', id: r.id })}
                              >
                                Undeploy
                              </Button>
                            ) : (
                              <Button
                                size="xs"
                                loading={busy('deploy', r.id)}
                                onClick={() => act.mutate({ kind: 'deploy', id: r.id })}
                                aria-label={`Deploy ${r.displayName}`}
                              >
                                Deploy
                              </Button>
                            )}
                            <Menu position="bottom-end">
                              <Menu.Target>
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  aria-label={`More actions for ${r.displayName}`}
                                  px={6}
                                >
                                  <IconDots size={16} />
                                </Button>
                              </Menu.Target>
                              <Menu.Dropdown>
                                <Menu.Item onClick={() => act.mutate({ kind: 'restore', id: r.id })}>
                                  Restore the working copy
                                </Menu.Item>
                                <Menu.Item
                                  color="red"
                                  disabled={deployed.length > 0}
                                  onClick={() => act.mutate({ kind: 'delete', id: r.id })}
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
          )
        }
      </QueryState>
    </Stack>
  );
}
