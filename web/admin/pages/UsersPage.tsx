// The users who may sign in to the portals, with their roles.
import { Badge, Group, Table, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { useAuth } from '@shared/auth/AuthContext';
import { keys, paths } from '../api/admin';
import type { User } from '../api/types';
import { CollectionPage } from '../components/CollectionPage';
import { RowActions } from '../components/dialogs';
import { UserForm } from './UserForm';

export function UsersPage() {
  const { username: me } = useAuth();
  return (
    <CollectionPage<User>
      collection={{ key: keys.users, path: paths.users }}
      itemPath={(u) => `${paths.users}/${encodeURIComponent(u.username)}`}
      title="Users"
      description="Who may sign in, and what their roles allow: admin (this portal), creator and publisher (the Publisher), subscriber (the Developer Portal)."
      createLabel="Create user"
      loadingLabel="Loading users"
      searchLabel="Search users by name or role"
      searchText={(u) => `${u.username} ${u.roles.join(' ')}`}
      empty="No users."
      minWidth={520}
      head={
        <>
          <Table.Th>Username</Table.Th>
          <Table.Th>Roles</Table.Th>
          <Table.Th>Created</Table.Th>
        </>
      }
      rowKey={(u) => u.username}
      cells={(u) => (
        <>
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
        </>
      )}
      actions={(u, open) => (
        <RowActions name={`user ${u.username}`} onEdit={open.edit} onDelete={open.remove} />
      )}
      editTitle={(u) => `Edit user ${u.username}`}
      form={(u, close) => <UserForm user={u} onDone={close} />}
      deleteWhat={(u) => `user ${u.username}`}
      deleteConsequence={() => 'The user can no longer sign in; their applications stay.'}
    />
  );
}
