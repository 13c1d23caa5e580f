// Creating an API: from scratch, from an OpenAPI definition (file or URL) or from a Service Catalog
// service. Each way is its own URL (/apis/create, /apis/create/openapi, /apis/create/service).
import { useNavigate, useParams } from 'react-router';
import { Anchor, Breadcrumbs, Paper, SegmentedControl, Stack, Title } from '@mantine/core';
import { Link } from 'react-router';
import { CreateFromScratch } from './CreateFromScratch';
import { CreateFromOpenApi } from './CreateFromOpenApi';
import { CreateFromService } from './CreateFromService';

const kinds = [
  { value: 'scratch', label: 'From scratch', path: '/apis/create' },
  { value: 'openapi', label: 'OpenAPI', path: '/apis/create/openapi' },
  { value: 'service', label: 'Service Catalog', path: '/apis/create/service' },
];

export function CreateApiPage() {
  const { kind = 'scratch' } = useParams();
  const navigate = useNavigate();
  const current = kinds.find((k) => k.value === kind) ?? kinds[0];
  return (
    <Stack maw={760}>
      <Breadcrumbs>
        <Anchor component={Link} to="/apis">
          APIs
        </Anchor>
        <span>Create</span>
      </Breadcrumbs>
      <Title order={2}>Create an API</Title>
      <SegmentedControl
        aria-label="Start from"
        fullWidth
        value={current.value}
        onChange={(v) => navigate(kinds.find((k) => k.value === v)?.path ?? '/apis/create')}
        data={kinds.map(({ value, label }) => ({ value, label }))}
      />
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md">
        {current.value === 'scratch' && <CreateFromScratch />}
        {current.value === 'openapi' && <CreateFromOpenApi />}
        {current.value === 'service' && <CreateFromService />}
      </Paper>
    </Stack>
  );
}
