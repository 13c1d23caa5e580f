// The Service Catalog: registered backend services, searched by name, a page at a time.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { notifySuccess } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { catalogApi } from '../../api/catalog';
import { ServiceForm } from './ServiceForm';

const PAGE = 25;

export function ServiceListPage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const small = useMediaQuery('(max-width: 48em)');
  const [search, setSearch] = useState('');
  const [name] = useDebouncedValue(search.trim(), 200);
  const [page, setPage] = useState(1);
  const [registering, setRegistering] = useState(false);
  const query = useQuery({
    queryKey: ['catalog', 'services', name, page],
    queryFn: ({ signal }) => catalogApi.list({ name, limit: PAGE, offset: (page - 1) * PAGE }, signal),
    placeholderData: keepPreviousData,
  });
  const total = query.data?.pagination?.total ?? query.data?.count ?? 0;

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Service Catalog</Title>
          <Text size="sm" c="dimmed">
            Backend services and their definitions, ready to become APIs.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setRegistering(true)}>
          Register service
        </Button>
      </Group>
      <TextInput
        label="Search by name"
        placeholder="Service name"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setPage(1);
        }}
        maw={420}
      />
      <QueryState query={query} label="Loading the services">
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">
              {name
                ? `No service name contains '${name}'.`
                : 'No services yet. Register one to create APIs from it.'}
            </Text>
          ) : (
            <>
              <Table.ScrollContainer minWidth={640}>
                <Table
                  highlightOnHover
                  verticalSpacing="xs"
                  style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}
                >
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Version</Table.Th>
                      <Table.Th>Definition</Table.Th>
                      <Table.Th>Service URL</Table.Th>
                      <Table.Th>Updated</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.list.map((s) => (
                      <Table.Tr key={s.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/service-catalog/${s.id}`}>
                            {s.displayName || s.name}
                          </Anchor>
                          {s.displayName && s.displayName !== s.name && (
                            <Text size="xs" c="dimmed">
                              {s.name}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{s.version}</Table.Td>
                        <Table.Td>
                          <Badge variant="light">{s.definitionType}</Badge>
                        </Table.Td>
                        <Table.Td style={{ wordBreak: 'break-all' }}>{s.serviceUrl}</Table.Td>
                        <Table.Td>
                          {s.lastUpdatedTime ? dayjs(s.lastUpdatedTime).format('YYYY-MM-DD') : ''}
                        </Table.Td>
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
      <Modal
        opened={registering}
        onClose={() => setRegistering(false)}
        title="Register a service"
        size="xl"
        fullScreen={small}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <ServiceForm
          onCancel={() => setRegistering(false)}
          onSaved={(s) => {
            notifySuccess(`Service '${s.name}' registered`);
            void client.invalidateQueries({ queryKey: ['catalog', 'services'] });
            navigate(`/service-catalog/${s.id}`);
          }}
        />
      </Modal>
    </Stack>
  );
}
