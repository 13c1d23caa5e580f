// One catalogued service: its metadata, definition and the APIs made from it; delete it or create an API from it.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Anchor,
  Button,
  Code,
  Group,
  Modal,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconApi } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { CopyField } from '@shared/components/CopyField';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice, QueryState } from '@shared/components/QueryState';
import { catalogApi, type CatalogService } from '../../api/catalog';
import { ConfirmDeleteButtons, DeleteButton } from '../../components/deleting';
import { ItemBreadcrumbs, ItemHeader } from '../../components/PageHeader';
import { CreateApiForm } from './CreateApiForm';

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Definition({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['catalog', 'service', id, 'definition'],
    queryFn: ({ signal }) => catalogApi.definition(id, signal),
  });
  return (
    <QueryState query={q} label="Loading the definition">
      {(text) => (
        <ScrollArea.Autosize mah={560} type="auto">
          <Code block aria-label="Definition">
            {pretty(text)}
          </Code>
        </ScrollArea.Autosize>
      )}
    </QueryState>
  );
}

function Usage({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['catalog', 'service', id, 'usage'],
    queryFn: ({ signal }) => catalogApi.usage(id, signal),
  });
  return (
    <QueryState query={q} label="Loading the APIs">
      {(usage) =>
        usage.list.length === 0 ? (
          <Text c="dimmed">No API uses this service yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>API</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Context</Table.Th>
                  <Table.Th>State</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {usage.list.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/apis/${a.id}`}>
                        {a.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{a.version}</Table.Td>
                    <Table.Td>{a.context}</Table.Td>
                    <Table.Td>{a.lifeCycleStatus}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </QueryState>
  );
}

function Metadata({ s }: { s: CatalogService }) {
  const rows: [string, React.ReactNode][] = [
    ['Service URL', s.serviceUrl],
    ['Definition type', s.definitionType],
    ['Security', s.securityType],
    ['Mutual TLS', s.mutualSSLEnabled ? 'Yes' : 'No'],
    ['Created', s.createdTime ? dayjs(s.createdTime).format('YYYY-MM-DD HH:mm') : ''],
    ['Updated', s.lastUpdatedTime ? dayjs(s.lastUpdatedTime).format('YYYY-MM-DD HH:mm') : ''],
  ];
  return (
    <Stack>
      {s.description && <Text>{s.description}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Table variant="vertical" layout="fixed">
          <Table.Tbody>
            {rows.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th w={140}>{k}</Table.Th>
                <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Stack>
          <CopyField label="Service key" value={s.key} />
          <CopyField label="Digest (md5)" value={s.md5} />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}

export function ServiceDetailPage() {
  const { serviceId = '' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const small = useMediaQuery('(max-width: 48em)');
  const [dialog, setDialog] = useState<'delete' | 'api' | null>(null);
  const query = useQuery({
    queryKey: ['catalog', 'service', serviceId],
    queryFn: ({ signal }) => catalogApi.get(serviceId, signal),
  });
  const remove = useMutation({
    mutationFn: () => catalogApi.remove(serviceId),
    onSuccess: () => {
      notifySuccess('Service deleted');
      void client.invalidateQueries({ queryKey: ['catalog', 'services'] });
      navigate('/service-catalog');
    },
  });
  const oas = (s: CatalogService) => s.definitionType === 'OAS2' || s.definitionType === 'OAS3';

  return (
    <Stack>
      <ItemBreadcrumbs
        list="Service Catalog"
        to="/service-catalog"
        item={query.data?.displayName ?? query.data?.name ?? serviceId}
      />
      <QueryState query={query} label="Loading the service">
        {(s) => (
          <Stack>
            <ItemHeader
              title={s.displayName || s.name}
              badge={s.version}
              subtitle={s.key}
              actions={
                <Group>
                  <Button
                    leftSection={<IconApi size={16} />}
                    onClick={() => setDialog('api')}
                    disabled={!oas(s)}
                    title={
                      oas(s) ? undefined : 'APIs can be created from OpenAPI (OAS2 or OAS3) services only'
                    }
                  >
                    Create API
                  </Button>
                  <DeleteButton onClick={() => setDialog('delete')} />
                </Group>
              }
            />
            <Tabs defaultValue="overview" keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="overview">Overview</Tabs.Tab>
                <Tabs.Tab value="definition">Definition</Tabs.Tab>
                <Tabs.Tab value="usage">APIs using it</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="overview" pt="md">
                <Metadata s={s} />
              </Tabs.Panel>
              <Tabs.Panel value="definition" pt="md">
                <Definition id={s.id} />
              </Tabs.Panel>
              <Tabs.Panel value="usage" pt="md">
                <Usage id={s.id} />
              </Tabs.Panel>
            </Tabs>
            <Modal
              opened={dialog === 'api'}
              onClose={() => setDialog(null)}
              title={`Create an API from ${s.displayName || s.name}`}
              size="lg"
              fullScreen={small}
              closeButtonProps={{ 'aria-label': 'Close' }}
            >
              <CreateApiForm
                service={s}
                onCancel={() => setDialog(null)}
                onCreated={(id) => {
                  notifySuccess('API created from the service');
                  void client.invalidateQueries({ queryKey: ['catalog', 'service', s.id, 'usage'] });
                  navigate(`/apis/${id}`);
                }}
              />
            </Modal>
            <Modal
              opened={dialog === 'delete'}
              onClose={() => {
                setDialog(null);
                remove.reset();
              }}
              title="Delete the service?"
              closeButtonProps={{ 'aria-label': 'Close' }}
            >
              <Stack>
                <Text>
                  Delete <b>{s.displayName || s.name}</b> ({s.key}) from the catalog? A service cannot be
                  deleted while APIs created from it exist.
                </Text>
                {remove.isError && <ErrorNotice error={remove.error} title="The service was not deleted" />}
                <ConfirmDeleteButtons
                  pending={remove.isPending}
                  onCancel={() => setDialog(null)}
                  onDelete={() => remove.mutate()}
                />
              </Stack>
            </Modal>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
