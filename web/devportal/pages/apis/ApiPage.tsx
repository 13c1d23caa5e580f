// One API or API product: overview, documents, and its definition with try-it; subscribe from here.
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { Anchor, Badge, Breadcrumbs, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useAuth } from '@shared/auth/AuthContext';
import { QueryState } from '@shared/components/QueryState';
import { useApi } from '../../api/queries';
import { ApiThumbnail } from '../../components/ApiThumbnail';
import { LoadError } from '../../components/SignInNotice';
import { SubscribeDialog } from '../../components/SubscribeDialog';
import { DefinitionTab } from './DefinitionTab';
import { DocumentsTab } from './DocumentsTab';
import { OverviewTab } from './OverviewTab';

const TABS = ['overview', 'documents', 'definition'] as const;
type Tab = (typeof TABS)[number];

export function ApiPage() {
  const { apiId = '', '*': rest = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const { state, session } = useAuth();
  const [subscribing, subscribeDialog] = useDisclosure();
  const detail = useApi(apiId);
  const tab: Tab = (TABS as readonly string[]).includes(rest) ? (rest as Tab) : 'overview';

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/apis">
          APIs
        </Anchor>
        <Text>{detail.data?.name ?? '…'}</Text>
      </Breadcrumbs>
      {detail.isError ? (
        <LoadError error={detail.error} onRetry={() => void detail.refetch()} />
      ) : (
        <QueryState query={detail} label="Loading the API">
          {(a) => (
            <>
              <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
                <Group wrap="nowrap" gap="md" style={{ minWidth: 0 }}>
                  <ApiThumbnail api={a} size={64} />
                  <Stack gap={4} style={{ minWidth: 0 }}>
                    <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                      {a.name}
                    </Title>
                    <Group gap={6}>
                      <Text c="dimmed">{a.version}</Text>
                      {a.type === 'APIPRODUCT' && (
                        <Badge variant="light" color="grape.9">
                          Product
                        </Badge>
                      )}
                      {a.provider && (
                        <Text size="sm" c="dimmed">
                          by {a.provider}
                        </Text>
                      )}
                    </Group>
                  </Stack>
                </Group>
                {a.lifeCycleStatus === 'PUBLISHED' &&
                  (state.status === 'signed-in' ? (
                    <Button onClick={subscribeDialog.open}>Subscribe</Button>
                  ) : (
                    <Button variant="light" onClick={() => session.signIn(location.pathname)}>
                      Sign in to subscribe
                    </Button>
                  ))}
              </Group>
              <Tabs
                value={tab}
                onChange={(v) => navigate(`/apis/${apiId}/${v ?? 'overview'}`)}
                keepMounted={false}
              >
                <Tabs.List>
                  <Tabs.Tab value="overview">Overview</Tabs.Tab>
                  <Tabs.Tab value="documents">Documents</Tabs.Tab>
                  <Tabs.Tab value="definition">Definition &amp; try it</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="overview" pt="md">
                  <OverviewTab api={a} />
                </Tabs.Panel>
                <Tabs.Panel value="documents" pt="md">
                  <DocumentsTab apiId={a.id} />
                </Tabs.Panel>
                <Tabs.Panel value="definition" pt="md">
                  <DefinitionTab api={a} />
                </Tabs.Panel>
              </Tabs>
              {state.status === 'signed-in' && (
                <SubscribeDialog api={a} opened={subscribing} onClose={subscribeDialog.close} />
              )}
            </>
          )}
        </QueryState>
      )}
    </Stack>
  );
}
