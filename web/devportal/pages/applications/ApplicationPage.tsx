// One application: overview, production and sandbox keys, subscriptions, usage (analytics).
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Anchor, Badge, Breadcrumbs, Button, Group, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { QueryState } from '@shared/components/QueryState';
import { useApplication, useApplicationAttributes } from '../../api/queries';
import type { Application } from '../../api/types';
import { ApplicationForm } from './ApplicationForm';
import { visibleAttributes } from './attributes';
import { KeysTab } from './KeysTab';
import { SubscriptionsTab } from './SubscriptionsTab';
import { UsageTab } from './UsageTab';

const TABS = ['overview', 'production-keys', 'sandbox-keys', 'subscriptions', 'usage'] as const;
type Tab = (typeof TABS)[number];

function Overview({ app }: { app: Application }) {
  const [editing, setEditing] = useState(false);
  const when = (t?: string) => (t ? dayjs(t).format('YYYY-MM-DD HH:mm') : '—');
  const definitions = useApplicationAttributes();
  // Until the definitions are known, nothing is shown: a hidden attribute must not flash up.
  const attributes = definitions.isSuccess ? visibleAttributes(definitions.data, app.attributes) : [];
  return (
    <Stack>
      <Table.ScrollContainer minWidth={300}>
        <Table variant="vertical" layout="fixed" withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th scope="row" w={{ base: 120, sm: 200 }}>
                Description
              </Table.Th>
              <Table.Td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {app.description || '—'}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">Throttling tier</Table.Th>
              <Table.Td>{app.throttlingPolicy}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">Token type</Table.Th>
              <Table.Td>{app.tokenType ?? 'JWT'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">Subscriptions</Table.Th>
              <Table.Td>{app.subscriptionCount ?? 0}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">Owner</Table.Th>
              <Table.Td>{app.owner}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">Created</Table.Th>
              <Table.Td>{when(app.createdTime)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">Updated</Table.Th>
              <Table.Td>{when(app.updatedTime)}</Table.Td>
            </Table.Tr>
            {attributes.map((a) => (
              <Table.Tr key={a.name}>
                <Table.Th scope="row" title={a.description}>
                  {a.name}
                </Table.Th>
                <Table.Td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {a.value || '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group>
        <Button variant="default" onClick={() => setEditing(true)}>
          Edit
        </Button>
      </Group>
      {editing && <ApplicationForm opened onClose={() => setEditing(false)} editing={app} />}
    </Stack>
  );
}

export function ApplicationPage() {
  const { applicationId = '', '*': rest = '' } = useParams();
  const navigate = useNavigate();
  const app = useApplication(applicationId);
  const tab: Tab = (TABS as readonly string[]).includes(rest) ? (rest as Tab) : 'overview';
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/applications">
          Applications
        </Anchor>
        <Text>{app.data?.name ?? '…'}</Text>
      </Breadcrumbs>
      <QueryState query={app} label="Loading the application">
        {(a) => (
          <>
            <Group gap="sm">
              <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                {a.name}
              </Title>
              {a.status && (
                <Badge variant="light" color={a.status === 'APPROVED' ? 'teal.9' : 'gray.9'}>
                  {a.status.toLowerCase()}
                </Badge>
              )}
            </Group>
            <Tabs
              value={tab}
              onChange={(v) => navigate(`/applications/${applicationId}/${v ?? 'overview'}`)}
              keepMounted={false}
            >
              <Tabs.List>
                <Tabs.Tab value="overview">Overview</Tabs.Tab>
                <Tabs.Tab value="production-keys">Production keys</Tabs.Tab>
                <Tabs.Tab value="sandbox-keys">Sandbox keys</Tabs.Tab>
                <Tabs.Tab value="subscriptions">Subscriptions</Tabs.Tab>
                <Tabs.Tab value="usage">Usage</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="overview" pt="md">
                <Overview app={a} />
              </Tabs.Panel>
              <Tabs.Panel value="production-keys" pt="md">
                <KeysTab app={a} keyType="PRODUCTION" />
              </Tabs.Panel>
              <Tabs.Panel value="sandbox-keys" pt="md">
                <KeysTab app={a} keyType="SANDBOX" />
              </Tabs.Panel>
              <Tabs.Panel value="subscriptions" pt="md">
                <SubscriptionsTab app={a} />
              </Tabs.Panel>
              <Tabs.Panel value="usage" pt="md">
                <UsageTab app={a} />
              </Tabs.Panel>
            </Tabs>
          </>
        )}
      </QueryState>
    </Stack>
  );
}
