// One API: a header (thumbnail, name, version, state) over tabs, each its own URL
// (/apis/:apiId/resources, ...). Tabs edit a part of the API and save it with PUT /apis/{apiId}.
import { lazy, Suspense, type ComponentType } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Anchor, Breadcrumbs, Group, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { QueryState, Loading } from '@shared/components/QueryState';
import type { ApiDetail } from '../../api/types';
import { ApiThumbnail } from '../../components/ApiThumbnail';
import { LifecycleBadge } from '../../components/LifecycleBadge';
import { useApiDetail } from './queries';
import { OverviewTab } from './OverviewTab';
import { ResourcesTab } from './ResourcesTab';
import { EndpointsTab } from './EndpointsTab';
import { RuntimeTab } from './RuntimeTab';
import { TiersTab } from './TiersTab';
import { BusinessTab } from './BusinessTab';
import { ThumbnailTab } from './ThumbnailTab';
import { LifecycleTab } from './LifecycleTab';
import { RevisionsTab } from './RevisionsTab';
import { AnalyticsTab } from './AnalyticsTab';

// The other section's tabs (documents with markdown, policies, the Swagger test console) are heavy:
// loaded when opened.
const DocumentsTab = lazy(() => import('./DocumentsTab').then((m) => ({ default: m.DocumentsTab })));
const PoliciesTab = lazy(() => import('./PoliciesTab').then((m) => ({ default: m.PoliciesTab })));
const TestConsoleTab = lazy(() => import('./TestConsoleTab').then((m) => ({ default: m.TestConsoleTab })));

interface TabDef {
  value: string;
  label: string;
  Component: ComponentType<{ api: ApiDetail }>;
}

export const apiTabs: TabDef[] = [
  { value: 'overview', label: 'Overview', Component: OverviewTab },
  { value: 'resources', label: 'Resources', Component: ResourcesTab },
  { value: 'endpoints', label: 'Endpoints', Component: EndpointsTab },
  { value: 'runtime', label: 'Runtime', Component: RuntimeTab },
  { value: 'tiers', label: 'Subscription tiers', Component: TiersTab },
  { value: 'business', label: 'Business information', Component: BusinessTab },
  { value: 'thumbnail', label: 'Thumbnail', Component: ThumbnailTab },
  { value: 'documents', label: 'Documents', Component: DocumentsTab },
  { value: 'policies', label: 'Policies', Component: PoliciesTab },
  { value: 'test', label: 'Test console', Component: TestConsoleTab },
  { value: 'lifecycle', label: 'Lifecycle', Component: LifecycleTab },
  { value: 'revisions', label: 'Revisions & deployments', Component: RevisionsTab },
  { value: 'analytics', label: 'Analytics', Component: AnalyticsTab },
];

function ApiHeader({ api }: { api: ApiDetail }) {
  return (
    <Group wrap="nowrap" align="center">
      <ApiThumbnail apiId={api.id} name={api.name} hasThumbnail={api.hasThumbnail} size="lg" />
      <Stack gap={2} style={{ minWidth: 0 }}>
        <Group gap="xs">
          <Title order={2} style={{ overflowWrap: 'anywhere' }}>
            {api.name}
          </Title>
          <LifecycleBadge state={api.lifeCycleStatus} size="md" />
        </Group>
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {api.context} · version {api.version}
          {api.provider ? ` · by ${api.provider}` : ''}
        </Text>
      </Stack>
    </Group>
  );
}

export function ApiPage() {
  const { apiId = '', '*': rest = '' } = useParams();
  const navigate = useNavigate();
  const query = useApiDetail(apiId);
  const tab = apiTabs.find((t) => t.value === rest.split('/')[0])?.value ?? 'overview';
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/apis">
          APIs
        </Anchor>
        <span>{query.data?.name ?? apiId}</span>
      </Breadcrumbs>
      <QueryState query={query} label="Loading the API">
        {(apiObj) => (
          <Stack>
            <ApiHeader api={apiObj} />
            {/* On a phone the twelve tabs would take half the screen: a select chooses the section. */}
            <Select
              hiddenFrom="sm"
              label="Section"
              data={apiTabs.map(({ value, label }) => ({ value, label }))}
              value={tab}
              allowDeselect={false}
              onChange={(v) => navigate(`/apis/${apiId}/${v ?? 'overview'}`)}
            />
            <Tabs
              value={tab}
              onChange={(v) => navigate(`/apis/${apiId}/${v ?? 'overview'}`)}
              keepMounted={false}
            >
              <Tabs.List visibleFrom="sm" style={{ flexWrap: 'wrap' }}>
                {apiTabs.map((t) => (
                  <Tabs.Tab key={t.value} value={t.value}>
                    {t.label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              {apiTabs.map(({ value, Component }) => (
                <Tabs.Panel key={value} value={value} pt="md">
                  <Suspense fallback={<Loading />}>
                    {/* Remounted per API version so forms start from the saved API. */}
                    <Component key={String(apiObj.lastUpdatedTime ?? '')} api={apiObj} />
                  </Suspense>
                </Tabs.Panel>
              ))}
            </Tabs>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
