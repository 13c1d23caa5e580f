// Picking a product's operations: APIs on the left (searchable), the chosen API's operations on the right.
import { useState } from 'react';
import {
  Badge,
  Checkbox,
  Group,
  NavLink,
  Paper,
  ScrollArea,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, PUBLISHER } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';
import type { Api } from '../../api/types';
import type { ApiSummary, OperationRef, Paged, ProductApiSelection } from '../../api/products';

const opKey = (o: OperationRef) => `${o.verb.toUpperCase()} ${o.target}`;

interface Props {
  value: ProductApiSelection[];
  onChange: (value: ProductApiSelection[]) => void;
  error?: React.ReactNode;
}

function Operations({
  summary,
  value,
  onChange,
}: {
  summary: ApiSummary;
  value: ProductApiSelection[];
  onChange: Props['onChange'];
}) {
  const q = useQuery({
    queryKey: ['publisher', 'api', summary.id],
    queryFn: ({ signal }) => api<Api>(`${PUBLISHER}/apis/${summary.id}`, { signal }),
  });
  const current = value.find((v) => v.apiId === summary.id);
  const chosen = new Set((current?.operations ?? []).map(opKey));
  const set = (ops: OperationRef[]) => {
    const others = value.filter((v) => v.apiId !== summary.id);
    onChange(
      ops.length
        ? [...others, { apiId: summary.id, name: summary.name, version: summary.version, operations: ops }]
        : others,
    );
  };
  return (
    <QueryState query={q} label={`Loading the operations of ${summary.name}`}>
      {(full) => {
        const ops = (full.operations ?? []).map((o) => ({ target: o.target, verb: o.verb.toUpperCase() }));
        const all = ops.length > 0 && ops.every((o) => chosen.has(opKey(o)));
        return (
          <Stack gap="xs">
            <Checkbox
              label={`All operations of ${summary.name}`}
              checked={all}
              indeterminate={!all && chosen.size > 0}
              onChange={() => set(all ? [] : ops)}
              fw={500}
            />
            {ops.map((o) => (
              <Checkbox
                key={opKey(o)}
                label={
                  <Group gap={6} wrap="nowrap">
                    <Badge size="sm" variant="outline" w={64}>
                      {o.verb}
                    </Badge>
                    <Text size="sm" style={{ wordBreak: 'break-all' }}>
                      {o.target}
                    </Text>
                  </Group>
                }
                aria-label={`${o.verb} ${o.target}`}
                checked={chosen.has(opKey(o))}
                onChange={(e) =>
                  set(
                    e.currentTarget.checked
                      ? [...(current?.operations ?? []), o]
                      : (current?.operations ?? []).filter((x) => opKey(x) !== opKey(o)),
                  )
                }
              />
            ))}
            {ops.length === 0 && <Text c="dimmed">This API has no operations.</Text>}
          </Stack>
        );
      }}
    </QueryState>
  );
}

export function OperationPicker({ value, onChange, error }: Props) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 200);
  const [selected, setSelected] = useState<ApiSummary | null>(null);
  const apis = useQuery({
    queryKey: ['publisher', 'apis', 'picker', query],
    queryFn: ({ signal }) =>
      api<Paged<ApiSummary>>(`${PUBLISHER}/apis`, { query: { query, limit: 25, offset: 0 }, signal }),
    placeholderData: keepPreviousData,
  });
  const count = (id: string) => value.find((v) => v.apiId === id)?.operations.length ?? 0;
  const total = value.reduce((n, v) => n + v.operations.length, 0);

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={500}>Operations</Text>
        <Text size="sm" c={error ? 'red' : 'dimmed'}>
          {total} operation{total === 1 ? '' : 's'} from {value.length} API{value.length === 1 ? '' : 's'}
        </Text>
      </Group>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Paper withBorder p="xs">
          <TextInput
            aria-label="Search APIs"
            placeholder="Search APIs"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            mb="xs"
          />
          <ScrollArea.Autosize mah={360} type="auto">
            <QueryState query={apis} label="Loading the APIs">
              {(page) =>
                page.list.length === 0 ? (
                  <Text c="dimmed" size="sm">
                    No API matches.
                  </Text>
                ) : (
                  <Stack gap={0}>
                    {page.list.map((a) => (
                      <NavLink
                        component="button"
                        type="button"
                        key={a.id}
                        active={selected?.id === a.id}
                        variant="subtle"
                        label={`${a.name} ${a.version}`}
                        description={a.context}
                        aria-current={selected?.id === a.id ? 'true' : undefined}
                        rightSection={count(a.id) > 0 ? <Badge size="sm">{count(a.id)}</Badge> : undefined}
                        onClick={() => setSelected(a)}
                      />
                    ))}
                    {(page.pagination?.total ?? 0) > page.list.length && (
                      <Text size="xs" c="dimmed" p="xs">
                        Showing {page.list.length} of {page.pagination?.total}; search to narrow the list.
                      </Text>
                    )}
                  </Stack>
                )
              }
            </QueryState>
          </ScrollArea.Autosize>
        </Paper>
        <Paper withBorder p="xs">
          {selected ? (
            <Operations key={selected.id} summary={selected} value={value} onChange={onChange} />
          ) : (
            <Text c="dimmed" size="sm">
              Choose an API to pick its operations.
            </Text>
          )}
        </Paper>
      </SimpleGrid>
      {value.length > 0 && (
        <Group gap="xs">
          {value.map((v) => (
            <Badge key={v.apiId} variant="light">
              {v.name ?? v.apiId} {v.version ?? ''}: {v.operations.length}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
}
