// What the server tells about itself: the Admin settings, the gateway environments (as the
// Publisher lists them), the resident Key Manager's signing keys, which can be rotated, and the
// Publisher's definition linter rules.
import { useState } from 'react';
import { Badge, Button, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { IconRefresh } from '@tabler/icons-react';
import { api, PUBLISHER } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';
import { keys, paths, useList } from '../api/admin';
import type { AdminSettings, PublisherSettings, SigningKey } from '../api/types';
import { ConfirmDelete } from '../components/dialogs';
import { PageHeader } from '../components/ListLayout';
import { LinterRulesCard } from './LinterRulesCard';

function AdminSettingsCard() {
  const query = useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api<AdminSettings>(paths.settings, { signal }),
  });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Settings
      </Title>
      <QueryState query={query} label="Loading settings">
        {(s) => (
          <Table variant="vertical" layout="fixed" withTableBorder={false}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={180}>Scopes</Table.Th>
                <Table.Td>{s.scopes?.join(', ') || '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Gateway types</Table.Th>
                <Table.Td>{s.gatewayTypes?.join(', ') || '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Key manager types</Table.Th>
                <Table.Td>
                  {s.keyManagerConfiguration?.map((k) => k.displayName || k.type).join(', ') || '—'}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Analytics</Table.Th>
                <Table.Td>{s.analyticsEnabled ? 'On' : 'Off'}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}

function EnvironmentsCard() {
  const query = useQuery({
    queryKey: keys.publisherSettings,
    queryFn: ({ signal }) => api<PublisherSettings>(`${PUBLISHER}/settings`, { signal }),
  });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Gateway environments
      </Title>
      <QueryState query={query} label="Loading environments">
        {(s) =>
          s.environment?.length ? (
            <Stack gap="sm">
              {s.environment.map((env) => (
                <div key={env.name}>
                  <Group gap="xs">
                    <Text fw={500}>{env.displayName || env.name}</Text>
                    {env.type && <Badge variant="default">{env.type}</Badge>}
                  </Group>
                  <List size="sm" spacing={2}>
                    {(env.endpointURIs ?? []).map((u) => (
                      <List.Item key={u.endpointURI}>
                        <Text span size="sm" c="dimmed">
                          {u.protocol}:{' '}
                        </Text>
                        <Text span size="sm" style={{ wordBreak: 'break-all' }}>
                          {u.endpointURI}
                        </Text>
                      </List.Item>
                    ))}
                    {!env.endpointURIs?.length &&
                      (env.vhosts ?? []).map((v) => (
                        <List.Item key={v.host}>
                          {v.host}
                          {v.httpPort ? ` http:${v.httpPort}` : ''}
                          {v.httpsPort ? ` https:${v.httpsPort}` : ''}
                        </List.Item>
                      ))}
                  </List>
                </div>
              ))}
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              No gateway environments.
            </Text>
          )
        }
      </QueryState>
    </Card>
  );
}

function SigningKeysCard() {
  const query = useList<SigningKey>(keys.signingKeys, paths.signingKeys);
  const client = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const rotate = useMutation({
    mutationFn: () => api<{ kid: string }>(`${paths.signingKeys}/rotate`, { method: 'POST' }),
  });
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={3} size="h4">
          Signing keys of the Resident Key Manager
        </Title>
        <Button variant="light" leftSection={<IconRefresh size={16} />} onClick={() => setConfirm(true)}>
          Rotate signing key
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        Tokens are signed with the active key. After a rotation, older keys stay trusted until the tokens they
        signed expire.
      </Text>
      <QueryState query={query} label="Loading signing keys">
        {(data) => (
          <Table.ScrollContainer minWidth={420}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key id</Table.Th>
                  <Table.Th>Algorithm</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.list.map((k) => (
                  <Table.Tr key={k.kid}>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{k.kid}</Table.Td>
                    <Table.Td>{k.alg}</Table.Td>
                    <Table.Td>{dayjs(k.createdTime).format('YYYY-MM-DD HH:mm')}</Table.Td>
                    <Table.Td>
                      <Badge variant="dot" color={k.active ? 'teal' : 'gray'}>
                        {k.active ? 'Active' : 'Retired'}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {confirm && (
        <ConfirmDelete
          opened
          actionLabel="Rotate"
          what="the signing key"
          done="Rotated the signing key"
          consequence="New tokens are signed with a new key; tokens already issued stay valid until they expire."
          onClose={() => setConfirm(false)}
          onDelete={async () => {
            await rotate.mutateAsync();
            await client.invalidateQueries({ queryKey: keys.signingKeys });
          }}
        />
      )}
    </Card>
  );
}

export function SettingsPage() {
  return (
    <Stack>
      <PageHeader
        title="Settings and environments"
        description="How this server is set up, read-only, the Key Manager's signing keys and the Publisher's definition linter rules."
      />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <AdminSettingsCard />
        <EnvironmentsCard />
      </SimpleGrid>
      <SigningKeysCard />
      <LinterRulesCard />
    </Stack>
  );
}
