// Two versions of the API side by side as a line diff of their JSON: a revision or the working copy
// (the working copy is GET /apis/{apiId}; a revision is GET /apis/{revisionId}, as in the product).
import { useState } from 'react';
import { Box, Button, Code, Group, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { diffLines } from 'diff';
import { api as call, PUBLISHER } from '@shared/api/client';
import { ErrorNotice, Loading } from '@shared/components/QueryState';
import type { ApiDetail, Revision } from '../../api/types';

export const WORKING_COPY = 'working-copy';
// Fields that differ between any two copies and say nothing about the API's behaviour.
const VOLATILE = new Set([
  'id',
  'createdTime',
  'lastUpdatedTime',
  'lastUpdatedTimestamp',
  'updatedTime',
  'revisionId',
  'isRevision',
  'revisionedApiId',
]);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .filter((k) => !VOLATILE.has(k))
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

export function jsonDiff(a: unknown, b: unknown) {
  return diffLines(
    JSON.stringify(canonical(a), null, 2) + '\n',
    JSON.stringify(canonical(b), null, 2) + '\n',
  );
}

function useVersion(apiId: string, which: string | null) {
  return useQuery({
    queryKey: ['publisher', 'api', apiId, 'version', which],
    queryFn: ({ signal }) =>
      call<ApiDetail>(`${PUBLISHER}/apis/${which === WORKING_COPY ? apiId : which}`, { signal }),
    enabled: which !== null,
    staleTime: which === WORKING_COPY ? 0 : Infinity,
  });
}

export function RevisionCompare({ apiId, revisions }: { apiId: string; revisions: Revision[] }) {
  const options = [
    { value: WORKING_COPY, label: 'Working copy' },
    ...revisions.map((r) => ({ value: r.id, label: r.displayName })),
  ];
  const [left, setLeft] = useState<string | null>(revisions[0]?.id ?? null);
  const [right, setRight] = useState<string | null>(WORKING_COPY);
  const [shown, setShown] = useState<[string, string] | null>(null);
  const a = useVersion(apiId, shown?.[0] ?? null);
  const b = useVersion(apiId, shown?.[1] ?? null);
  const changes = a.data && b.data ? jsonDiff(a.data, b.data) : null;
  const changed = changes?.some((c) => c.added || c.removed);
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <Select
          label="Compare"
          data={options}
          value={left}
          onChange={setLeft}
          allowDeselect={false}
          w={200}
        />
        <Select label="with" data={options} value={right} onChange={setRight} allowDeselect={false} w={200} />
        <Button
          variant="default"
          disabled={!left || !right || left === right}
          onClick={() => left && right && setShown([left, right])}
        >
          Show changes
        </Button>
      </Group>
      {shown && (a.isError || b.isError) && (
        <ErrorNotice error={a.error ?? b.error} title="A version could not be loaded" />
      )}
      {shown && (a.isFetching || b.isFetching) && !changes && !(a.isError || b.isError) && (
        <Loading label="Loading the versions" />
      )}
      {changes && !changed && <Text c="dimmed">No differences.</Text>}
      {changes && changed && (
        <Code block aria-label="Differences" style={{ maxHeight: 480, overflow: 'auto' }}>
          {changes.map((c, i) => (
            <Box
              key={i}
              component={c.added ? 'ins' : c.removed ? 'del' : 'span'}
              display="block"
              style={{
                textDecoration: 'none',
                background: c.added
                  ? 'var(--mantine-color-green-light)'
                  : c.removed
                    ? 'var(--mantine-color-red-light)'
                    : undefined,
              }}
            >
              {c.value
                .replace(/\n$/, '')
                .split('\n')
                .map((line) => `${c.added ? '+ ' : c.removed ? '- ' : '  '}${line}`)
                .join('\n')}
            </Box>
          ))}
        </Code>
      )}
    </Stack>
  );
}
