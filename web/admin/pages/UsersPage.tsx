import { useQuery } from '@tanstack/react-query';
import { Stack, Table, Title } from '@mantine/core';
import { ADMIN, api } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';

interface User {
  username: string;
  roles: string[];
}

export function UsersPage() {
  const query = useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => api<{ list: User[] }>(`${ADMIN}/users`, { signal }),
  });
  return (
    <Stack>
      <Title order={2}>Users</Title>
      <QueryState query={query}>
        {(data) => (
          <Table>
            <Table.Tbody>
              {data.list.map((u) => (
                <Table.Tr key={u.username}>
                  <Table.Td>{u.username}</Table.Td>
                  <Table.Td>{u.roles.join(', ')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
