// Create or edit a throttling policy of one level: its name, quota and, per level, burst control
// (application and subscription), billing, permissions and custom attributes (subscription) or
// conditional groups (advanced).
import { Divider, Group, Select, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { keys, paths } from '../../api/admin';
import type { AnyPolicy, PolicyLevel } from '../../api/types';
import { reportAdminError } from '../../components/serverErrors';
import { ConditionalGroups } from './ConditionalGroups';
import { LimitFields } from './LimitFields';
import { BurstFields, CustomAttributeFields, PermissionFields } from './TierFields';
import { emptyPolicy, formPathOf, policyValues, toPolicy, validatePolicy, type PolicyValues } from './model';

const FIELDS = [
  'policyName',
  'displayName',
  'description',
  'defaultLimit',
  'rateLimitCount',
  'rateLimitTimeUnit',
  'stopOnQuotaReach',
  'billingPlan',
  'subscriberCount',
  'customAttributes',
  'permissions',
  'conditionalGroups',
];

export function PolicyForm({
  level,
  policy,
  onDone,
}: {
  level: PolicyLevel;
  policy?: AnyPolicy;
  onDone: () => void;
}) {
  const client = useQueryClient();
  const editing = Boolean(policy?.policyId);
  const form = useForm<PolicyValues>({
    mode: 'controlled',
    initialValues: policy ? policyValues(policy) : emptyPolicy(),
    validate: (values) => validatePolicy(level, values),
  });
  const save = useMutation({
    mutationFn: (values: PolicyValues) =>
      api<AnyPolicy>(editing ? `${paths.policies(level)}/${policy!.policyId}` : paths.policies(level), {
        method: editing ? 'PUT' : 'POST',
        body: toPolicy(level, values),
      }),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: keys.policies(level) });
      notifySuccess(`${editing ? 'Saved' : 'Created'} policy ${saved.policyName}`);
      onDone();
    },
    onError: (error) =>
      reportAdminError(form, error, { fields: FIELDS, conflictField: 'policyName', toFormPath: formPathOf }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          description={
            editing
              ? 'The name cannot change once created'
              : "Letters, digits, '_', '-' and '.'; at most 60 characters"
          }
          withAsterisk
          readOnly={editing}
          {...form.getInputProps('policyName')}
        />
        <TextInput
          label="Display name"
          description="Shown to developers; the name when empty"
          {...form.getInputProps('displayName')}
        />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={5}
          {...form.getInputProps('description')}
        />
        <LimitFields
          form={form}
          path="defaultLimit"
          value={form.values.defaultLimit}
          label={level === 'advanced' ? 'Default limit' : 'Quota'}
        />
        {level === 'application' && (
          <>
            <Divider label="Burst control" labelPosition="left" />
            <BurstFields
              form={form}
              description="Caps short spikes of each user of an application, on top of the quota (429 with code 900807)."
            />
          </>
        )}
        {level === 'subscription' && (
          <>
            <Divider label="Burst control" labelPosition="left" />
            <BurstFields
              form={form}
              description="Caps short spikes of one subscription, on top of the quota."
            />
            <Divider label="Billing" labelPosition="left" />
            <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
              <Select
                label="Billing plan"
                data={[
                  { value: 'FREE', label: 'Free' },
                  { value: 'COMMERCIAL', label: 'Commercial' },
                ]}
                allowDeselect={false}
                miw={160}
                {...form.getInputProps('billingPlan')}
              />
              <Switch
                mt={30}
                label="Stop on quota reach"
                description="Off: requests beyond the quota still pass (and are counted)"
                miw={200}
                {...form.getInputProps('stopOnQuotaReach', { type: 'checkbox' })}
              />
            </Group>
            {editing && (
              <TextInput
                label="Subscriber count"
                description="The cap on event (WebSocket, WebSub) subscriptions; kept as it is"
                readOnly
                value={String(form.values.subscriberCount)}
              />
            )}
            <Divider label="Permissions" labelPosition="left" />
            <PermissionFields form={form} />
            <Divider label="Custom attributes" labelPosition="left" />
            <CustomAttributeFields form={form} />
          </>
        )}
        {level === 'advanced' && (
          <>
            <Divider />
            <ConditionalGroups form={form} />
          </>
        )}
        <FormActions submitLabel={editing ? 'Save' : 'Create'} pending={save.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}
