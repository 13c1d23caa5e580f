// API products: searched (the Publisher's search syntax) and paged on the server.
import { Link } from 'react-router';
import { Anchor, Badge, Button, Stack, Table } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { productsApi } from '../../api/products';
import { ListHeader } from '../../components/PageHeader';
import { PagedTable, useServerPaging } from '../../components/PagedTable';

export function ProductListPage() {
  const paging = useServerPaging(['publisher', 'api-products'], (query, window, signal) =>
    productsApi.list({ query, ...window }, signal),
  );
  return (
    <Stack>
      <ListHeader
        title="API products"
        description="Operations of several APIs offered under one context, tiers and lifecycle."
        action={
          <Button component={Link} to="/api-products/create" leftSection={<IconPlus size={16} />}>
            Create API product
          </Button>
        }
      />
      <PagedTable
        paging={paging}
        searchLabel="Search"
        searchPlaceholder="Name, context or name:Shop tag:retail"
        loadingLabel="Loading the API products"
        empty={paging.searched ? 'No API product matches.' : 'No API products yet.'}
        minWidth={560}
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Context</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Provider</Table.Th>
          </>
        }
        row={(p) => (
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
        )}
      />
    </Stack>
  );
}
