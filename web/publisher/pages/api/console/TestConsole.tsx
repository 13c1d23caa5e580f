// Trying an API through the gateway: a token for the signed-in user, an operation, its parameters, the answer.
import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  PasswordInput,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconKey, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api as call, messageOf, PUBLISHER } from '@shared/api/client';
import { useAuth } from '@shared/auth/AuthContext';
import { ErrorNotice } from '@shared/components/QueryState';
import type { Api } from '../../../api/types';
import { CONSOLE_APPLICATION, testToken, type TestToken } from '../../../api/devportal';
import { PairsEditor } from './PairsEditor';
import { pathParams, prettyBody, requestUrl, sendRequest, type ConsoleResponse, type Pair } from './request';

interface Swagger {
  servers?: { url: string }[];
}

/** The gateway URL to call: the export's servers, the one with the page's scheme first. */
function pickServer(s: Swagger | undefined): string {
  const urls = (s?.servers ?? []).map((x) => x.url).filter((u) => /^https?:\/\//.test(u));
  return urls.find((u) => u.startsWith(window.location.protocol)) ?? urls[0] ?? '';
}

// Shade 9: white text on them passes WCAG AA.
const statusColor = (s: number) => (s < 300 ? 'teal.9' : s < 400 ? 'blue.9' : s < 500 ? 'red.9' : 'grape.9');

export function TestConsole({ api }: { api: Api }) {
  const { hasScope } = useAuth();
  const canSubscribe = hasScope('apim:subscribe');
  const ops = api.operations ?? [];
  const swagger = useQuery({
    queryKey: ['publisher', 'api', api.id, 'swagger'],
    queryFn: ({ signal }) => call<Swagger>(`${PUBLISHER}/apis/${api.id}/swagger`, { signal }),
  });
  const deployments = useQuery({
    queryKey: ['publisher', 'api', api.id, 'deployments'],
    queryFn: ({ signal }) => call<{ list: unknown[] }>(`${PUBLISHER}/apis/${api.id}/deployments`, { signal }),
  });
  const [gateway, setGateway] = useState<string | null>(null);
  const gatewayUrl = gateway ?? pickServer(swagger.data);
  const [token, setToken] = useState('');
  const [issued, setIssued] = useState<TestToken | null>(null);
  const [opIndex, setOpIndex] = useState<string | null>(ops.length ? '0' : null);
  const [params, setParams] = useState<Record<string, string>>({});
  const [query, setQuery] = useState<Pair[]>([]);
  const [headers, setHeaders] = useState<Pair[]>([{ name: 'Accept', value: 'application/json' }]);
  const [body, setBody] = useState('');
  const op = opIndex === null ? undefined : ops[Number(opIndex)];
  const verb = op?.verb.toUpperCase() ?? 'GET';
  const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(verb);
  const subscribable = api.lifeCycleStatus === 'PUBLISHED';

  const getToken = useMutation({
    mutationFn: () => testToken(api.id, subscribable ? (api.policies?.[0] ?? 'Unlimited') : null),
    onSuccess: (t) => {
      setIssued(t);
      setToken(t.accessToken);
    },
  });
  const send = useMutation({
    mutationFn: () => {
      const url = requestUrl(gatewayUrl, op?.target ?? '/', params, query);
      const all =
        hasBody && body && !headers.some((h) => h.name.toLowerCase() === 'content-type')
          ? [...headers, { name: 'Content-Type', value: 'application/json' }]
          : headers;
      return sendRequest(url, {
        method: verb,
        headers: all,
        body: hasBody ? body : undefined,
        token: token || undefined,
      });
    },
  });
  const url = op ? requestUrl(gatewayUrl, op.target, params, query) : '';

  return (
    <Stack>
      <Title order={3}>Test console</Title>
      {deployments.data && deployments.data.list.length === 0 && (
        <Alert color="yellow" title="Not deployed">
          The gateway does not serve this API yet: create a revision and deploy it first.
        </Alert>
      )}
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={4}>Access token</Title>
          {canSubscribe ? (
            <Text size="sm" c="dimmed">
              {subscribable
                ? `Subscribes your application '${CONSOLE_APPLICATION}' to this API (tier ${api.policies?.[0] ?? 'Unlimited'}) and gets a client-credentials token for it.`
                : `The API is ${api.lifeCycleStatus}, so it takes no new subscriptions: the token is for your '${CONSOLE_APPLICATION}' application without one (enough for a prototype or for operations without security).`}
            </Text>
          ) : (
            <Alert color="blue">
              Getting a token needs the Developer Portal's scope (apim:subscribe), which your account lacks: a
              subscriber role is needed. Paste a token from the Developer Portal below, or call operations
              that need no token.
            </Alert>
          )}
          <Group align="flex-end">
            <PasswordInput
              label="Access token"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              style={{ flex: 1 }}
              miw={220}
            />
            {canSubscribe && (
              <Button
                leftSection={<IconKey size={16} />}
                loading={getToken.isPending}
                onClick={() => getToken.mutate()}
              >
                Get a test token
              </Button>
            )}
          </Group>
          {issued && issued.accessToken === token && (
            <Text size="xs" c="dimmed">
              Token of '{issued.application}', valid until {dayjs(issued.expiresAt).format('HH:mm')}.
            </Text>
          )}
          {getToken.isError && <ErrorNotice error={getToken.error} title="No token" />}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={4}>Request</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Gateway URL"
              description="Where the gateway serves this API (context and version included)"
              value={gatewayUrl}
              onChange={(e) => setGateway(e.currentTarget.value)}
              error={
                swagger.isError ? `The definition could not be read: ${messageOf(swagger.error)}` : undefined
              }
            />
            <Select
              label="Operation"
              allowDeselect={false}
              searchable
              data={ops.map((o, i) => ({ value: String(i), label: `${o.verb.toUpperCase()} ${o.target}` }))}
              value={opIndex}
              onChange={(v) => {
                setOpIndex(v);
                setParams({});
              }}
            />
          </SimpleGrid>
          {op && pathParams(op.target).length > 0 && (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {pathParams(op.target).map((p) => (
                <TextInput
                  key={p}
                  label={`Path parameter ${p}`}
                  value={params[p] ?? ''}
                  onChange={(e) => setParams({ ...params, [p]: e.currentTarget.value })}
                />
              ))}
            </SimpleGrid>
          )}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <PairsEditor label="Query parameters" noun="Query parameter" value={query} onChange={setQuery} />
            <PairsEditor label="Headers" noun="Header" value={headers} onChange={setHeaders} />
          </SimpleGrid>
          {hasBody && (
            <Textarea
              label="Body"
              minRows={5}
              autosize
              maxRows={16}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
          )}
          <Group justify="space-between" wrap="nowrap">
            <Code style={{ wordBreak: 'break-all' }}>
              {verb} {url}
            </Code>
            <Button
              leftSection={<IconSend size={16} />}
              loading={send.isPending}
              disabled={!op || !gatewayUrl}
              onClick={() => send.mutate()}
            >
              Send
            </Button>
          </Group>
        </Stack>
      </Paper>
      {send.isError && (
        <Alert color="red" title="No answer" role="alert">
          {messageOf(send.error)}
        </Alert>
      )}
      {send.data && <ResponseView r={send.data} />}
    </Stack>
  );
}

function ResponseView({ r }: { r: ConsoleResponse }) {
  return (
    <Paper withBorder p="md" aria-label="Response" role="region">
      <Stack gap="xs">
        <Group>
          <Title order={4}>Response</Title>
          <Badge color={statusColor(r.status)} size="lg">
            {r.status} {r.statusText}
          </Badge>
          <Text size="sm" c="dimmed">
            {r.millis} ms
          </Text>
        </Group>
        <Tabs defaultValue="body">
          <Tabs.List>
            <Tabs.Tab value="body">Body</Tabs.Tab>
            <Tabs.Tab value="headers">Headers ({r.headers.length})</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="body" pt="xs">
            <ScrollArea.Autosize mah={480} type="auto">
              <Code block>{prettyBody(r.body) || '(empty)'}</Code>
            </ScrollArea.Autosize>
          </Tabs.Panel>
          <Tabs.Panel value="headers" pt="xs">
            <Table.ScrollContainer minWidth={360}>
              <Table>
                <Table.Tbody>
                  {r.headers.map(([k, v]) => (
                    <Table.Tr key={k}>
                      <Table.Th>{k}</Table.Th>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text size="xs" c="dimmed" mt={4}>
              Browsers show only the headers the gateway exposes through CORS.
            </Text>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}
