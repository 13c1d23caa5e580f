// Deny policies: requests matching one (an API, application, user, IP or IP range) are refused
// by the gateway with 403. Enable or disable in place, create, delete.
import { Badge, Stack, Switch, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { notifyError } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { keys, paths, useList } from '../../api/admin';
import type { DenyPolicy } from '../../api/types';
import { ConfirmDelete, FormModal, RowActions, useDialog } from '../../components/dialogs';
import { CreateButton, ListTable, PageHeader } from '../../components/ListLayout';
import { usePagedSearch } from '../../components/paging';
import { DENY_TYPES, DenyPolicyForm } from './DenyPolicyForm';

export function denyValueText(p: DenyPolicy): string {
  const v = p.conditionValue;
  if (typeof v === 'string') return v;
  const text = 'fixedIp' in v ? v.fixedIp : `${v.startingIp} – ${v.endingIp}`;
  return v.invert ? `all except ${text}` : text;
}

const typeLabel = (t: string) => DENY_TYPES.find((d) => d.value === t)?.label ?? t;

function StatusSwitch({ policy }: { policy: DenyPolicy }) {
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: (on: boolean) =>
      api<DenyPolicy>(paths.denyPolicy(policy.conditionId!), {
        method: 'PATCH',
        body: { conditionStatus: on },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.denyPolicies }),
    onError: (e) => notifyError(e, 'The deny policy was not changed'),
  });
  const checked = toggle.isPending ? Boolean(toggle.variables) : policy.conditionStatus;
  return (
    <Switch
      aria-label={`Enforce the deny policy on ${typeLabel(policy.conditionType)} ${denyValueText(policy)}`}
      checked={checked}
      disabled={toggle.isPending}
      onChange={(e) => toggle.mutate(e.currentTarget.checked)}
      label={checked ? 'Enforced' : 'Off'}
    />
  );
}

export function DenyPoliciesPage() {
  const query = useList<DenyPolicy>(keys.denyPolicies, paths.denyPolicies);
  const client = useQueryClient();
  const dialog = useDialog<DenyPolicy>();
  const paged = usePagedSearch(
    query.data?.list,
    (p) => `${p.conditionType} ${typeLabel(p.conditionType)} ${denyValueText(p)}`,
  );
  const { state } = dialog;
  return (
    <Stack>
      <PageHeader
        title="Deny policies"
        description="Requests to an API context, from an application, a user, an IP address or range are refused (403) while a policy is enforced."
        action={<CreateButton label="Create deny policy" onClick={dialog.create} />}
      />
      <QueryState query={query} label="Loading deny policies">
        {() => (
          <ListTable
            paged={paged}
            searchLabel="Search deny policies"
            empty="No deny policies: nothing is blocked."
            minWidth={520}
            head={
              <>
                <Table.Th>Type</Table.Th>
                <Table.Th>Blocks</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <Text size="sm" fw={700} ta="right">
                    Actions
                  </Text>
                </Table.Th>
              </>
            }
          >
            {paged.items.map((p) => (
              <Table.Tr key={p.conditionId}>
                <Table.Td>
                  <Badge variant="default">{typeLabel(p.conditionType)}</Badge>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{denyValueText(p)}</Table.Td>
                <Table.Td>
                  <StatusSwitch policy={p} />
                </Table.Td>
                <Table.Td>
                  <RowActions name={`deny policy ${denyValueText(p)}`} onDelete={() => dialog.remove(p)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      <FormModal opened={state.mode === 'create'} onClose={dialog.close} title="Create deny policy">
        {state.mode === 'create' && <DenyPolicyForm onDone={dialog.close} />}
      </FormModal>
      {state.mode === 'delete' && (
        <ConfirmDelete
          opened
          what={`the deny policy on ${typeLabel(state.item.conditionType)} ${denyValueText(state.item)}`}
          consequence="Requests it blocks are let through again."
          onClose={dialog.close}
          onDelete={async () => {
            await api(paths.denyPolicy(state.item.conditionId!), { method: 'DELETE' });
            await client.invalidateQueries({ queryKey: keys.denyPolicies });
          }}
        />
      )}
    </Stack>
  );
}
