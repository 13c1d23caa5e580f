// The users who may sign in to the portals, with their roles.
import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';
import { useAuth } from '@shared/auth/AuthContext';
import { keys, paths, useList } from '../api/admin';
import type { User } from '../api/types';
import { ConfirmDelete, FormModal, RowActions, useDialog } from '../components/dialogs';
import { CreateButton, ListTable, PageHeader } from '../components/ListLayout';
import { usePagedSearch } from '../components/paging';
import { UserForm } from './UserForm';

export function UsersPage() {
  const query = useList<User>(keys.users, paths.users);
  const client = useQueryClient();
  const { username: me } = useAuth();
  const dialog = useDialog<User>();
  const paged = usePagedSearch(query.data?.list, (u) => `${u.username} ${u.roles.join(' ')}`);
  const { state } = dialog;
  return (
    <Stack>
      <PageHeader
        title="Users"
        description="Who may sign in, and what their roles allow: admin (this portal), creator and publisher (the Publisher), subscriber (the Developer Portal)."
        action={<CreateButton label="Create user" onClick={dialog.create} />}
      />
      <QueryState query={query} label="Loading users">
        {() => (
          <ListTable
            paged={paged}
            searchLabel="Search users by name or role"
            empty="No users."
            minWidth={520}
            head={
              <>
                <Table.Th>Username</Table.Th>
                <Table.Th>Roles</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>
                  <Text size="sm" fw={700} ta="right">
                    Actions
                  </Text>
                </Table.Th>
              </>
            }
          >
            {paged.items.map((u) => (
              <Table.Tr key={u.username}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {u.username}
                    {u.username === me && (
                      <Text span c="dimmed" size="xs">
                        {' '}
                        (you)
                      </Text>
                    )}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {u.roles.map((r) => (
                      <Badge key={r} variant="dot" color={r === 'admin' ? 'red' : 'blue'}>
                        {r}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{u.createdTime ? dayjs(u.createdTime).format('YYYY-MM-DD HH:mm') : '—'}</Table.Td>
                <Table.Td>
                  <RowActions
                    name={`user ${u.username}`}
                    onEdit={() => dialog.edit(u)}
                    onDelete={() => dialog.remove(u)}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      <FormModal
        opened={state.mode === 'create' || state.mode === 'edit'}
        onClose={dialog.close}
        title={state.mode === 'edit' ? `Edit user ${state.item.username}` : 'Create user'}
      >
        {(state.mode === 'create' || state.mode === 'edit') && (
          <UserForm user={state.mode === 'edit' ? state.item : undefined} onDone={dialog.close} />
        )}
      </FormModal>
      {state.mode === 'delete' && (
        <ConfirmDelete
          opened
          what={`user ${state.item.username}`}
          consequence="The user can no longer sign in; their applications stay."
          onClose={dialog.close}
          onDelete={async () => {
            await api(`${paths.users}/${encodeURIComponent(state.item.username)}`, { method: 'DELETE' });
            await client.invalidateQueries({ queryKey: keys.users });
          }}
        />
      )}
    </Stack>
  );
}
