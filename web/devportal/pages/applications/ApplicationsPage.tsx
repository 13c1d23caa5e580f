// The user's applications: list, create, edit, delete.
import { useState } from 'react';
import { Link } from 'react-router';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { api, DEVPORTAL } from '@shared/api/client';
import { notifyError, notifySuccess } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { useApplications } from '../../api/queries';
import type { Application } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ApplicationForm } from './ApplicationForm';

const PAGE = 25;

export function ApplicationsPage() {
  const apps = useApplications();
  const client = useQueryClient();
  const [creating, create] = useDisclosure();
  const [editing, setEditing] = useState<Application | null>(null);
  const [deleting, setDeleting] = useState<Application | null>(null);
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const remove = useMutation({
    mutationFn: (a: Application) => api(`${DEVPORTAL}/applications/${a.applicationId}`, { method: 'DELETE' }),
    onSuccess: (_, a) => {
      void client.invalidateQueries({ queryKey: ['applications'] });
      void client.invalidateQueries({ queryKey: ['subscriptions'] });
      notifySuccess(`${a.name} is deleted`);
      setDeleting(null);
    },
    onError: (e) => notifyError(e, 'The application was not deleted'),
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Applications</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={create.open}>
          Create application
        </Button>
      </Group>
      <QueryState query={apps} label="Loading applications">
        {(data) => {
          const f = filter.trim().toLowerCase();
          const list = f ? data.list.filter((a) => a.name.toLowerCase().includes(f)) : data.list;
          const pages = Math.max(1, Math.ceil(list.length / PAGE));
          const current = Math.min(page, pages);
          if (data.list.length === 0)
            return (
              <Text c="dimmed">
                No application yet. An application holds the keys your client uses to call the APIs it
                subscribes to.
              </Text>
            );
          return (
            <>
              {data.list.length > PAGE && (
                <TextInput
                  label="Filter"
                  leftSection={<IconSearch size={16} />}
                  value={filter}
                  onChange={(e) => {
                    setFilter(e.currentTarget.value);
                    setPage(1);
                  }}
                  maw={320}
                />
              )}
              <Table.ScrollContainer minWidth={520}>
                <Table striped highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Tier</Table.Th>
                      <Table.Th>Subscriptions</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>
                        <span className="mantine-visually-hidden">Actions</span>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.slice((current - 1) * PAGE, current * PAGE).map((a) => (
                      <Table.Tr key={a.applicationId}>
                        <Table.Td>
                          <Anchor component={Link} to={`/applications/${a.applicationId}`}>
                            {a.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{a.throttlingPolicy}</Table.Td>
                        <Table.Td>{a.subscriptionCount ?? 0}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={a.status === 'APPROVED' ? 'teal.9' : 'gray.9'}>
                            {a.status?.toLowerCase() ?? 'unknown'}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            <Tooltip label="Edit">
                              <ActionIcon
                                variant="subtle"
                                aria-label={`Edit ${a.name}`}
                                onClick={() => setEditing(a)}
                              >
                                <IconPencil size={16} />
                              </ActionIcon>
                            </Tooltip>
                            <Tooltip label="Delete">
                              <ActionIcon
                                variant="subtle"
                                color="red"
                                aria-label={`Delete ${a.name}`}
                                onClick={() => setDeleting(a)}
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
              {pages > 1 && <Pagination total={pages} value={current} onChange={setPage} />}
            </>
          );
        }}
      </QueryState>
      <ApplicationForm opened={creating} onClose={create.close} />
      {editing && (
        <ApplicationForm
          key={editing.applicationId}
          opened
          onClose={() => setEditing(null)}
          editing={editing}
        />
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete"
        pending={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        Its keys stop working and its subscriptions end. This cannot be undone.
      </ConfirmDialog>
    </Stack>
  );
}
