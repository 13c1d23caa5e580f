// The mock responses of an API with an INLINE endpoint: what the gateway answers for each
// operation, and a button to generate them from the definition (the product's generate-mock-scripts).
import { Alert, Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconWand } from '@tabler/icons-react';
import { api, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice, Loading } from '@shared/components/QueryState';
import type { ApiDetail } from '../../api/types';
import { keys } from './queries';

interface MockScript {
  path: string;
  verb: string;
  content: string;
}

/** What the gateway answers with, read from Archway's declarative mock (JSON text). */
export interface Mock {
  statusCode: number;
  contentType: string;
  payload: string;
}

/** The mock in an x-mediation-script, or null when it is not one (e.g. the product's JavaScript). */
export function parseMock(content: string): Mock | null {
  try {
    const m = JSON.parse(content) as Partial<Mock>;
    if (!m || typeof m !== 'object') return null;
    return {
      statusCode: typeof m.statusCode === 'number' ? m.statusCode : 200,
      contentType: typeof m.contentType === 'string' ? m.contentType : '',
      payload: typeof m.payload === 'string' ? m.payload : '',
    };
  } catch {
    return null;
  }
}

const NOT_IMPLEMENTED = 'The gateway answers 501 Not Implemented: the operation has no mock.';

export function MockResponses({ api: detail, saved }: { api: ApiDetail; saved: boolean }) {
  const client = useQueryClient();
  const path = `${PUBLISHER}/apis/${detail.id}`;
  const scripts = useQuery({
    queryKey: keys.mockScripts(detail.id),
    queryFn: ({ signal }) =>
      api<{ list?: MockScript[] }>(`${path}/generated-mock-scripts`, { signal }).then((r) => r?.list ?? []),
  });
  const generate = useMutation({
    mutationFn: () => api(`${path}/generate-mock-scripts`, { method: 'POST' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keys.mockScripts(detail.id) });
      notifySuccess('Generated the mock responses');
    },
  });
  const byOperation = new Map((scripts.data ?? []).map((s) => [`${s.verb.toUpperCase()} ${s.path}`, s]));
  const operations = detail.operations ?? [];
  // Mocks of operations the API no longer lists are still shown, after the API's own.
  const rows = [
    ...operations.map((o) => ({ verb: o.verb.toUpperCase(), path: o.target })),
    ...(scripts.data ?? [])
      .filter(
        (s) => !operations.some((o) => o.verb.toUpperCase() === s.verb.toUpperCase() && o.target === s.path),
      )
      .map((s) => ({ verb: s.verb.toUpperCase(), path: s.path })),
  ];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        No backend is called: the gateway answers each operation with its mock, built from the definition's
        responses (their example, or a value made from the schema). Edit a mock through the definition's
        x-mediation-script.
      </Text>
      {!saved && (
        <Alert color="yellow">Save the endpoint type for the gateway to answer with these mocks.</Alert>
      )}
      <Group>
        <Button
          leftSection={<IconWand size={16} />}
          variant="light"
          loading={generate.isPending}
          onClick={() => generate.mutate()}
        >
          Generate mock scripts
        </Button>
      </Group>
      {generate.isError && <ErrorNotice title="No mock responses were made" error={generate.error} />}
      {scripts.isPending ? (
        <Loading label="Loading the mock responses" />
      ) : scripts.isError ? (
        <ErrorNotice error={scripts.error} onRetry={() => void scripts.refetch()} />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          The API has no operations.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="xs" aria-label="Mock responses">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Operation</Table.Th>
                <Table.Th>Mock response</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const script = byOperation.get(`${r.verb} ${r.path}`);
                const mock = script ? parseMock(script.content) : null;
                return (
                  <Table.Tr key={`${r.verb} ${r.path}`}>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {r.verb} {r.path}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {mock ? (
                        <Stack gap={4}>
                          <Group gap="xs">
                            <Badge variant="light" color={mock.statusCode < 400 ? 'teal.9' : 'orange.9'}>
                              {mock.statusCode}
                            </Badge>
                            {mock.contentType && (
                              <Text size="xs" c="dimmed">
                                {mock.contentType}
                              </Text>
                            )}
                          </Group>
                          {mock.payload && (
                            <Code block style={{ maxHeight: 160, overflow: 'auto' }}>
                              {mock.payload}
                            </Code>
                          )}
                        </Stack>
                      ) : script ? (
                        <Text size="sm" c="orange.9">
                          A script Archway cannot run (written for another product): the gateway answers 501
                          Not Implemented. Generate the mocks again to replace it.
                        </Text>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {NOT_IMPLEMENTED}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
