// API products: searched (the Publisher's search syntax) and paged on the server.
import { useState } from 'react';
import { Link } from 'react-router';
import {
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
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { QueryState } from '@shared/components/QueryState';
import { productsApi } from '../../api/products';

const PAGE = 25;

export function ProductListPage() {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 200);
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['publisher', 'api-products', query, page],
    queryFn: ({ signal }) => productsApi.list({ query, limit: PAGE, offset: (page - 1) * PAGE }, signal),
    placeholderData: keepPreviousData,
  });
  const total = list.data?.pagination?.total ?? list.data?.count ?? 0;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>API products</Title>
          <Text size="sm" c="dimmed">
            Operations of several APIs offered under one context, tiers and lifecycle.
          </Text>
        </div>
        <Button component={Link} to="/api-products/create" leftSection={<IconPlus size={16} />}>
          Create API product
        </Button>
      </Group>
      <TextInput
        label="Search"
        placeholder="Name, context or name:Shop tag:retail"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setPage(1);
        }}
        maw={420}
      />
      <QueryState query={list} label="Loading the API products">
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">{query ? 'No API product matches.' : 'No API products yet.'}</Text>
          ) : (
            <>
              <Table.ScrollContainer minWidth={560}>
                <Table
                  highlightOnHover
                  verticalSpacing="xs"
                  style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}
                >
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Version</Table.Th>
                      <Table.Th>Context</Table.Th>
                      <Table.Th>State</Table.Th>
                      <Table.Th>Provider</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.list.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/api-products/${p.id}`}>
                            {p.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{p.version}</Table.Td>
                        <Table.Td>{p.context}</Table.Td>
                        <Table.Td>
                          <Badge variant="light">{p.state ?? p.lifeCycleStatus}</Badge>
                        </Table.Td>
                        <Table.Td>{p.provider}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {total > PAGE && (
                <Pagination
                  total={Math.ceil(total / PAGE)}
                  value={page}
                  onChange={setPage}
                  getControlProps={(c) => ({ 'aria-label': `${c} page` })}
                />
              )}
            </>
          )
        }
      </QueryState>
    </Stack>
  );
}
