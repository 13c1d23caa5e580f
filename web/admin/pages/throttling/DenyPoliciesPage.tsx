// Deny policies: requests matching one (an API, application, user, IP or IP range) are refused
// by the gateway with 403. Enable or disable in place, create, delete.
import { Badge, Switch, Table } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { notifyError } from '@shared/components/forms';
import { keys, paths } from '../../api/admin';
import type { DenyPolicy } from '../../api/types';
import { CollectionPage } from '../../components/CollectionPage';
import { RowActions } from '../../components/dialogs';
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
  return (
    <CollectionPage<DenyPolicy>
      collection={{ key: keys.denyPolicies, path: paths.denyPolicies }}
      itemPath={(p) => paths.denyPolicy(p.conditionId!)}
      title="Deny policies"
      description="Requests to an API context, from an application, a user, an IP address or range are refused (403) while a policy is enforced."
      createLabel="Create deny policy"
      loadingLabel="Loading deny policies"
      searchLabel="Search deny policies"
      searchText={(p) => `${p.conditionType} ${typeLabel(p.conditionType)} ${denyValueText(p)}`}
      empty="No deny policies: nothing is blocked."
      minWidth={520}
      head={
        <>
          <Table.Th>Type</Table.Th>
          <Table.Th>Blocks</Table.Th>
          <Table.Th>Status</Table.Th>
        </>
      }
      rowKey={(p) => p.conditionId}
      cells={(p) => (
        <>
          <Table.Td>
            <Badge variant="default">{typeLabel(p.conditionType)}</Badge>
          </Table.Td>
          <Table.Td style={{ wordBreak: 'break-all' }}>{denyValueText(p)}</Table.Td>
          <Table.Td>
            <StatusSwitch policy={p} />
          </Table.Td>
        </>
      )}
      actions={(p, open) => <RowActions name={`deny policy ${denyValueText(p)}`} onDelete={open.remove} />}
      form={(_, close) => <DenyPolicyForm onDone={close} />}
      deleteWhat={(p) => `the deny policy on ${typeLabel(p.conditionType)} ${denyValueText(p)}`}
      deleteConsequence={() => 'Requests it blocks are let through again.'}
    />
  );
}
