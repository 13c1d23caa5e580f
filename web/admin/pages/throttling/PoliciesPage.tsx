// A level's throttling policies: a searchable list, create, edit and delete.
import { Badge, Table, Text } from '@mantine/core';
import { keys, paths } from '../../api/admin';
import type { AnyPolicy, BurstLimit, PolicyLevel, TierPermissions } from '../../api/types';
import { CollectionPage } from '../../components/CollectionPage';
import { RowActions } from '../../components/dialogs';
import { describeLimit } from './model';
import { PolicyForm } from './PolicyForm';

const LEVELS: Record<PolicyLevel, { title: string; one: string; description: string }> = {
  advanced: {
    title: 'Advanced policies',
    one: 'advanced policy',
    description:
      'Limits for a whole API or for one of its resources, for all callers together; conditional groups give other limits to requests from an IP range, or with a header, query parameter or JWT claim.',
  },
  application: {
    title: 'Application policies',
    one: 'application policy',
    description:
      'Limits an application (per user) across all its APIs. Developers choose one when they create an application.',
  },
  subscription: {
    title: 'Subscription policies',
    one: 'subscription policy',
    description:
      'The tiers an API offers: the quota of one application on one API, with optional burst control and billing plan.',
  },
};

const isUnlimited = (p: AnyPolicy) => p.policyName === 'Unlimited';

export function quotaOf(p: AnyPolicy) {
  if (isUnlimited(p)) return 'Unlimited';
  return describeLimit(p.defaultLimit);
}

/** "20 per second", or a dash without burst control. */
export function describeBurst(b: Partial<BurstLimit> | null | undefined) {
  const n = b?.rateLimitCount ?? 0;
  return n > 0 ? `${n} per ${b?.rateLimitTimeUnit === 'sec' ? 'second' : 'minute'}` : '—';
}

/** "Only creator, subscriber", "All but guest", or "Everyone". */
export function describePermissions(p: TierPermissions | null | undefined) {
  if (!p?.roles?.length) return 'Everyone';
  return `${p.permissionType === 'DENY' ? 'All but' : 'Only'} ${p.roles.join(', ')}`;
}

export function PoliciesPage({ level }: { level: PolicyLevel }) {
  const meta = LEVELS[level];
  return (
    <CollectionPage<AnyPolicy>
      collection={{ key: keys.policies(level), path: paths.policies(level) }}
      itemPath={(p) => `${paths.policies(level)}/${p.policyId}`}
      title={meta.title}
      description={meta.description}
      createLabel={`Create ${meta.one}`}
      loadingLabel={`Loading ${meta.title.toLowerCase()}`}
      searchLabel={`Search ${meta.title.toLowerCase()}`}
      searchText={(p) => `${p.policyName} ${p.displayName ?? ''} ${p.description ?? ''}`}
      empty={`No ${meta.title.toLowerCase()} yet.`}
      head={
        <>
          <Table.Th>Name</Table.Th>
          <Table.Th>Quota</Table.Th>
          {level !== 'advanced' && <Table.Th>Burst</Table.Th>}
          {level === 'subscription' && <Table.Th>Billing</Table.Th>}
          {level === 'subscription' && <Table.Th>Who may subscribe</Table.Th>}
          {level === 'subscription' && <Table.Th>Subscriber count</Table.Th>}
          {level === 'advanced' && <Table.Th>Conditional groups</Table.Th>}
        </>
      }
      rowKey={(p) => p.policyId ?? p.policyName}
      cells={(p) => (
        <>
          <Table.Td>
            <Text size="sm" fw={500}>
              {p.displayName && p.displayName !== p.policyName
                ? `${p.displayName} (${p.policyName})`
                : p.policyName}
            </Text>
            {p.description && (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {p.description}
              </Text>
            )}
          </Table.Td>
          <Table.Td>{quotaOf(p)}</Table.Td>
          {level === 'application' && (
            <Table.Td>{'burstLimit' in p ? describeBurst(p.burstLimit) : '—'}</Table.Td>
          )}
          {'billingPlan' in p && (
            <>
              <Table.Td>{describeBurst(p)}</Table.Td>
              <Table.Td>
                <Badge variant="dot" color={p.billingPlan === 'COMMERCIAL' ? 'grape' : 'gray'}>
                  {p.billingPlan}
                </Badge>
                {!p.stopOnQuotaReach && (
                  <Text size="xs" c="dimmed">
                    continues past quota
                  </Text>
                )}
                {p.customAttributes?.length ? (
                  <Text size="xs" c="dimmed">
                    {p.customAttributes.map((a) => `${a.name}: ${a.value}`).join(', ')}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{describePermissions(p.permissions)}</Table.Td>
              <Table.Td>{p.subscriberCount ?? '—'}</Table.Td>
            </>
          )}
          {'conditionalGroups' in p && <Table.Td>{p.conditionalGroups.length || '—'}</Table.Td>}
        </>
      )}
      actions={(p, open) =>
        isUnlimited(p) ? (
          <Text size="xs" c="dimmed" ta="right">
            built in
          </Text>
        ) : (
          <RowActions
            name={p.policyName}
            onEdit={open.edit}
            onDelete={
              level === 'subscription' && p.policyName === 'Unauthenticated' ? undefined : open.remove
            }
          />
        )
      }
      editTitle={(p) => `Edit ${meta.one} ${p.policyName}`}
      formSize={level === 'advanced' ? 'xl' : 'lg'}
      form={(p, close) => <PolicyForm level={level} policy={p} onDone={close} />}
      deleteWhat={(p) => `${meta.one} ${p.policyName}`}
      deleteConsequence={() =>
        'A policy in use (offered by an API, chosen by an application or a subscription) cannot be deleted; the server says where it is used.'
      }
    />
  );
}
