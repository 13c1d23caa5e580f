// What an API is and how to reach it: description, context, tiers, owners and gateway URLs.
import { Anchor, Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import { CopyField } from '@shared/components/CopyField';
import { Link } from 'react-router';
import { useSwagger } from '../../api/queries';
import type { ApiDetail } from '../../api/types';
import { tierNames } from '../../components/SubscribeDialog';

function GatewayUrls({ api: a }: { api: ApiDetail }) {
  const listed = (a.endpointURLs ?? []).flatMap((e) =>
    [e.URLs?.https, e.URLs?.http]
      .filter((u): u is string => !!u)
      .map((u) => ({ env: e.environmentDisplayName ?? e.environmentName, url: u })),
  );
  const swagger = useSwagger(a.id, listed.length === 0);
  const urls =
    listed.length > 0 ? listed : (swagger.data?.servers ?? []).map((s) => ({ env: '', url: s.url }));
  if (urls.length === 0)
    return (
      <Text c="dimmed">
        {swagger.isPending && listed.length === 0 ? 'Loading…' : 'Not deployed to a gateway yet.'}
      </Text>
    );
  return (
    <Stack gap="xs">
      {urls.map((u) => (
        <CopyField key={u.url} label={u.env ? `${u.env} gateway URL` : 'Gateway URL'} value={u.url} />
      ))}
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={{ base: 120, sm: 200 }}>
        {label}
      </Table.Th>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

export function OverviewTab({ api: a }: { api: ApiDetail }) {
  const b = a.businessInformation ?? {};
  const tiers = tierNames(a);
  const owner = (name?: string | null, email?: string | null) =>
    name || email ? (
      <>
        {name}
        {email && (
          <>
            {' '}
            <Anchor href={`mailto:${email}`}>{email}</Anchor>
          </>
        )}
      </>
    ) : (
      <Text c="dimmed" span>
        Not given
      </Text>
    );
  return (
    <Stack>
      {a.description ? (
        <Text style={{ whiteSpace: 'pre-wrap' }}>{a.description}</Text>
      ) : (
        <Text c="dimmed">No description.</Text>
      )}
      <Table.ScrollContainer minWidth={300}>
        <Table variant="vertical" layout="fixed" withTableBorder>
          <Table.Tbody>
            <Row label="Context">
              <code>{a.context}</code>
            </Row>
            <Row label="Version">{a.version}</Row>
            {a.provider && <Row label="Provider">{a.provider}</Row>}
            <Row label="Tiers">
              <Group gap={4}>
                {tiers.length
                  ? tiers.map((t) => (
                      <Badge key={t} variant="light">
                        {t}
                      </Badge>
                    ))
                  : 'None'}
              </Group>
            </Row>
            {(a.categories?.length ?? 0) > 0 && <Row label="Categories">{a.categories!.join(', ')}</Row>}
            {(a.tags?.length ?? 0) > 0 && (
              <Row label="Tags">
                <Group gap={4}>
                  {a.tags!.map((t) => (
                    <Badge key={t} variant="default" size="sm">
                      {t}
                    </Badge>
                  ))}
                </Group>
              </Row>
            )}
            <Row label="Business owner">{owner(b.businessOwner, b.businessOwnerEmail)}</Row>
            <Row label="Technical owner">{owner(b.technicalOwner, b.technicalOwnerEmail)}</Row>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {(a.apis?.length ?? 0) > 0 && (
        <>
          <Title order={3} size="h4">
            APIs in this product
          </Title>
          <Group gap="xs">
            {a.apis!.map((p) =>
              p.apiId ? (
                <Anchor key={p.apiId} component={Link} to={`/apis/${p.apiId}`}>
                  {p.name} {p.version}
                </Anchor>
              ) : (
                <Text key={p.name}>{p.name}</Text>
              ),
            )}
          </Group>
        </>
      )}
      <Title order={3} size="h4">
        Gateway URLs
      </Title>
      <GatewayUrls api={a} />
    </Stack>
  );
}
