// The Publisher's APIs: search with the REST search syntax, server-side paging, cards or a table.
import { Link, useSearchParams } from 'react-router';
import {
  Anchor,
  Button,
  Card,
  Group,
  Menu,
  Pagination,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue, useLocalStorage } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  IconApi,
  IconChevronDown,
  IconFileImport,
  IconLayoutGrid,
  IconList,
  IconPlus,
  IconSearch,
  IconBuildingWarehouse,
} from '@tabler/icons-react';
import { api, PUBLISHER } from '@shared/api/client';
import { ErrorNotice, Loading } from '@shared/components/QueryState';
import { useAuth } from '@shared/auth/AuthContext';
import type { ApiInfo, ApiList } from '../api/types';
import { ApiThumbnail } from '../components/ApiThumbnail';
import { LifecycleBadge } from '../components/LifecycleBadge';
import { keys } from './api/queries';

export const PAGE_SIZE = 24;

export function CreateApiMenu() {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button leftSection={<IconPlus size={16} />} rightSection={<IconChevronDown size={14} />}>
          Create API
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to="/apis/create" leftSection={<IconApi size={16} />}>
          Start from scratch
        </Menu.Item>
        <Menu.Item component={Link} to="/apis/create/openapi" leftSection={<IconFileImport size={16} />}>
          Import an OpenAPI definition
        </Menu.Item>
        <Menu.Item
          component={Link}
          to="/apis/create/service"
          leftSection={<IconBuildingWarehouse size={16} />}
        >
          From a Service Catalog service
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function ApiCards({ list }: { list: ApiInfo[] }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
      {list.map((a) => (
        <Card key={a.id} withBorder padding="md" radius="md">
          <Group wrap="nowrap" align="flex-start">
            <ApiThumbnail apiId={a.id} name={a.name} hasThumbnail={a.hasThumbnail} />
            <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
              <Anchor component={Link} to={`/apis/${a.id}`} fw={600} truncate="end">
                {a.name}
                <VisuallyHidden> version {a.version}</VisuallyHidden>
              </Anchor>
              <Text size="sm" c="dimmed" truncate="end">
                {a.context} · {a.version}
              </Text>
              <Group gap="xs">
                <LifecycleBadge state={a.lifeCycleStatus} />
                {a.provider && (
                  <Text size="xs" c="dimmed">
                    by {a.provider}
                  </Text>
                )}
              </Group>
            </Stack>
          </Group>
          {a.description && (
            <Text size="sm" mt="sm" lineClamp={2}>
              {a.description}
            </Text>
          )}
        </Card>
      ))}
    </SimpleGrid>
  );
}

function ApiTable({ list }: { list: ApiInfo[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Context</Table.Th>
            <Table.Th>Provider</Table.Th>
            <Table.Th>State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <ApiThumbnail apiId={a.id} name={a.name} hasThumbnail={a.hasThumbnail} size="sm" />
                  <Anchor component={Link} to={`/apis/${a.id}`}>
                    {a.name}
                  </Anchor>
                </Group>
              </Table.Td>
              <Table.Td>{a.version}</Table.Td>
              <Table.Td>{a.context}</Table.Td>
              <Table.Td>{a.provider}</Table.Td>
              <Table.Td>
                <LifecycleBadge state={a.lifeCycleStatus} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function ApiListPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [view, setView] = useLocalStorage<string>({
    key: 'archway.publisher.apiView',
    defaultValue: 'cards',
  });
  const { hasScope } = useAuth();

  const query = useQuery({
    queryKey: [...keys.apis, { q: debounced, page }],
    queryFn: ({ signal }) =>
      api<ApiList>(`${PUBLISHER}/apis`, {
        query: { query: debounced, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });

  const update = (next: { q?: string; page?: number }) => {
    const p = new URLSearchParams(params);
    if (next.q !== undefined) {
      if (next.q) p.set('q', next.q);
      else p.delete('q');
      p.delete('page');
    }
    if (next.page !== undefined) {
      if (next.page > 1) p.set('page', String(next.page));
      else p.delete('page');
    }
    setParams(p, { replace: true });
  };

  const total = query.data?.pagination?.total ?? query.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>APIs</Title>
        {hasScope('apim:api_create') && <CreateApiMenu />}
      </Group>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          style={{ flex: 1, minWidth: 200 }}
          label="Search APIs"
          description="Free text, or name:, context:, version:, provider:, tag:, status:, api-category: (all terms must match)"
          placeholder="e.g. status:PUBLISHED pets"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => update({ q: e.currentTarget.value })}
        />
        <SegmentedControl
          aria-label="View"
          value={view}
          onChange={setView}
          data={[
            {
              value: 'cards',
              label: (
                <Group gap={4} wrap="nowrap">
                  <IconLayoutGrid size={16} aria-hidden /> Cards
                </Group>
              ),
            },
            {
              value: 'table',
              label: (
                <Group gap={4} wrap="nowrap">
                  <IconList size={16} aria-hidden /> Table
                </Group>
              ),
            },
          ]}
        />
      </Group>
      {query.isPending ? (
        <Loading label="Loading APIs" />
      ) : query.isError ? (
        <ErrorNotice
          error={query.error}
          onRetry={() => void query.refetch()}
          title="The APIs could not be listed"
        />
      ) : query.data.list.length === 0 ? (
        <Text c="dimmed" py="xl" ta="center">
          {debounced ? `No API matches “${debounced}”.` : 'No APIs yet. Create one with the Create API menu.'}
        </Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {total} {total === 1 ? 'API' : 'APIs'}
            {debounced ? ` matching “${debounced}”` : ''}
          </Text>
          {view === 'table' ? <ApiTable list={query.data.list} /> : <ApiCards list={query.data.list} />}
          {pages > 1 && (
            <Group justify="center">
              <Pagination
                total={pages}
                value={Math.min(page, pages)}
                onChange={(p) => update({ page: p })}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
              />
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
