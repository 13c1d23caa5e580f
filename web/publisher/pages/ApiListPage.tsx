import { useQuery } from '@tanstack/react-query';
import { Stack, Table, Title } from '@mantine/core';
import { api, PUBLISHER } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';

interface ApiInfo {
  id: string;
  name: string;
  version: string;
  context: string;
  lifeCycleStatus: string;
}

export function ApiListPage() {
  const query = useQuery({
    queryKey: ['apis'],
    queryFn: ({ signal }) => api<{ list: ApiInfo[] }>(`${PUBLISHER}/apis`, { signal }),
  });
  return (
    <Stack>
      <Title order={2}>APIs</Title>
      <QueryState query={query}>
        {(data) => (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Context</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.list.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.name}</Table.Td>
                  <Table.Td>{a.version}</Table.Td>
                  <Table.Td>{a.context}</Table.Td>
                  <Table.Td>{a.lifeCycleStatus}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
