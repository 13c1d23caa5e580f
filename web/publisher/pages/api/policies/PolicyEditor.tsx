// An API's mediation policies: the API-wide flows and each operation's, saved with PUT /apis/{apiId}.
import { useMemo, useState } from 'react';
import { Accordion, Alert, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api as call, ApiError, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice, QueryState } from '@shared/components/QueryState';
import type { Api, Operation, OperationPolicy } from '../../../api/types';
import { POLICY_FLOWS, type PolicyFlows, type PolicySpecList } from '../../../api/policies';
import { draftOf, FlowsEditor, type DraftFlows } from './FlowsEditor';

function toDraft(flows: Partial<PolicyFlows> | undefined | null): DraftFlows {
  const f = (list: OperationPolicy[] | undefined) => (list ?? []).map(draftOf);
  return { request: f(flows?.request), response: f(flows?.response), fault: f(flows?.fault) };
}
function fromDraft(d: DraftFlows): PolicyFlows {
  return {
    request: d.request.map((x) => x.policy),
    response: d.response.map((x) => x.policy),
    fault: d.fault.map((x) => x.policy),
  };
}
const count = (d: DraftFlows) => POLICY_FLOWS.reduce((n, f) => n + d[f].length, 0);

interface Draft {
  api: DraftFlows;
  operations: DraftFlows[];
}

/** The API object to PUT: the same as read, with the edited flows. */
export function apiWithPolicies(api: Api, draft: Draft): Api {
  const hadApiPolicies = api.apiPolicies !== undefined && api.apiPolicies !== null;
  const operations: Operation[] = (api.operations ?? []).map((op, i) => {
    const flows = fromDraft(draft.operations[i]);
    if (!op.operationPolicies && count(draft.operations[i]) === 0) return op;
    return { ...op, operationPolicies: flows };
  });
  const out: Api = { ...api, operations };
  if (hadApiPolicies || count(draft.api) > 0) out.apiPolicies = fromDraft(draft.api);
  return out;
}

/** Where a refusal such as `'operations[0].operationPolicies.request[1].parameters.x' ...` points. */
function locate(error: unknown): { scope: string; at: string; message: string } | null {
  if (!(error instanceof ApiError) || !error.field) return null;
  const op = /^operations\[(\d+)]\.operationPolicies\.(request|response|fault)\[(\d+)]/.exec(error.field);
  if (op) return { scope: `op:${op[1]}`, at: `${op[2]}:${op[3]}`, message: error.message };
  const ap = /^apiPolicies\.(request|response|fault)\[(\d+)]/.exec(error.field);
  if (ap) return { scope: 'api', at: `${ap[1]}:${ap[2]}`, message: error.message };
  return null;
}

export function PolicyEditor({ api }: { api: Api }) {
  const client = useQueryClient();
  const specs = useQuery({
    queryKey: ['operation-policies'],
    queryFn: ({ signal }) => call<PolicySpecList>(`${PUBLISHER}/operation-policies`, { signal }),
    staleTime: Infinity,
  });
  const initial = useMemo<Draft>(
    () => ({
      api: toDraft(api.apiPolicies as Partial<PolicyFlows> | undefined),
      operations: (api.operations ?? []).map((op) => toDraft(op.operationPolicies)),
    }),
    [api],
  );
  const [draft, setDraft] = useState<Draft>(initial);
  const body = apiWithPolicies(api, draft);
  const dirty = JSON.stringify(body) !== JSON.stringify(apiWithPolicies(api, initial));
  const save = useMutation({
    mutationFn: () => call<Api>(`${PUBLISHER}/apis/${api.id}`, { method: 'PUT', body }),
    onSuccess: (saved) => {
      notifySuccess('Policies saved. Deploy a new revision to apply them on the gateway.');
      client.setQueryData(['publisher', 'api', api.id], saved); // the API page's query (pages/api/queries.ts)
      void client.invalidateQueries({ predicate: (q) => q.queryKey.includes(api.id) });
    },
  });
  const refused = save.isError ? locate(save.error) : null;
  const ops = api.operations ?? [];
  // Open what has policies already (or the only operation).
  const [openAtStart] = useState(() => [
    ...(count(initial.api) > 0 ? ['api'] : []),
    ...ops.map((_, i) => `op:${i}`).filter((_, i) => ops.length === 1 || count(initial.operations[i]) > 0),
  ]);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={3}>Policies</Title>
          <Text size="sm" c="dimmed">
            The API-wide policies run first, then the operation's, each flow in the order shown.
          </Text>
        </div>
        <Group>
          <Button variant="default" disabled={!dirty || save.isPending} onClick={() => setDraft(initial)}>
            Discard changes
          </Button>
          <Button disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()}>
            Save policies
          </Button>
        </Group>
      </Group>
      {save.isError && <ErrorNotice error={save.error} title="The policies were not saved" />}
      <QueryState query={specs} label="Loading the policies">
        {(list) => (
          <Accordion multiple defaultValue={openAtStart} variant="separated">
            <Accordion.Item value="api">
              <Accordion.Control>
                <Group gap="xs">
                  <Text fw={500}>All operations (API-wide)</Text>
                  {count(draft.api) > 0 && <Badge variant="light">{count(draft.api)}</Badge>}
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <FlowsEditor
                  label="all operations"
                  flows={draft.api}
                  specs={list.list}
                  onChange={(flows) => setDraft({ ...draft, api: flows })}
                  error={refused?.scope === 'api' ? refused : undefined}
                />
              </Accordion.Panel>
            </Accordion.Item>
            {ops.map((op, i) => (
              <Accordion.Item key={`${op.verb} ${op.target}`} value={`op:${i}`}>
                <Accordion.Control>
                  <Group gap="xs" wrap="nowrap">
                    <Badge variant="outline" w={72}>
                      {op.verb}
                    </Badge>
                    <Text fw={500} style={{ wordBreak: 'break-all' }}>
                      {op.target}
                    </Text>
                    {count(draft.operations[i]) > 0 && (
                      <Badge variant="light">{count(draft.operations[i])}</Badge>
                    )}
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <FlowsEditor
                    label={`${op.verb} ${op.target}`}
                    flows={draft.operations[i]}
                    specs={list.list}
                    onChange={(flows) =>
                      setDraft({
                        ...draft,
                        operations: draft.operations.map((f, k) => (k === i ? flows : f)),
                      })
                    }
                    error={refused?.scope === `op:${i}` ? refused : undefined}
                  />
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
      </QueryState>
      {ops.length === 0 && <Alert color="gray">This API has no operations yet.</Alert>}
    </Stack>
  );
}
