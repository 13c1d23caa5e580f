// A new deny policy (blocking condition): what it matches, by type.
import { Group, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { keys, paths } from '../../api/admin';
import type { DenyConditionType, DenyPolicy } from '../../api/types';
import { reportAdminError } from '../../components/serverErrors';
import { isIp, rangeBackwards } from './model';

export interface DenyValues {
  conditionType: DenyConditionType;
  value: string;
  owner: string;
  appName: string;
  fixedIp: string;
  startingIp: string;
  endingIp: string;
  invert: boolean;
  conditionStatus: boolean;
}

export const DENY_TYPES: { value: DenyConditionType; label: string }[] = [
  { value: 'API', label: 'API context' },
  { value: 'APPLICATION', label: 'Application' },
  { value: 'IP', label: 'IP address' },
  { value: 'IPRANGE', label: 'IP range' },
  { value: 'USER', label: 'User' },
];

export function toDenyPolicy(v: DenyValues): DenyPolicy {
  const base = { conditionType: v.conditionType, conditionStatus: v.conditionStatus };
  switch (v.conditionType) {
    case 'IP':
      return { ...base, conditionValue: { fixedIp: v.fixedIp.trim(), invert: v.invert } };
    case 'IPRANGE':
      return {
        ...base,
        conditionValue: { startingIp: v.startingIp.trim(), endingIp: v.endingIp.trim(), invert: v.invert },
      };
    case 'APPLICATION':
      return { ...base, conditionValue: `${v.owner.trim()}:${v.appName.trim()}` };
    default:
      return { ...base, conditionValue: v.value.trim() };
  }
}

export function validateDeny(v: DenyValues): Record<string, string> {
  const e: Record<string, string> = {};
  const ip = (field: 'fixedIp' | 'startingIp' | 'endingIp') => {
    if (!v[field].trim()) e[field] = 'Enter an IP address';
    else if (!isIp(v[field])) e[field] = `Not an IP address: '${v[field].trim()}'`;
  };
  switch (v.conditionType) {
    case 'API':
      if (!/^\/\S+$/.test(v.value.trim()))
        e.value = "Enter the API's context, starting with '/' (e.g. /pizzashack/1.0.0)";
      break;
    case 'USER':
      if (!v.value.trim()) e.value = 'Enter a username';
      break;
    case 'APPLICATION':
      if (!v.owner.trim()) e.owner = "Enter the application owner's username";
      else if (v.owner.includes(':')) e.owner = "An owner's name has no ':'";
      if (!v.appName.trim()) e.appName = "Enter the application's name";
      break;
    case 'IP':
      ip('fixedIp');
      break;
    case 'IPRANGE':
      ip('startingIp');
      ip('endingIp');
      if (!e.startingIp && !e.endingIp && rangeBackwards(v.startingIp, v.endingIp))
        e.endingIp = 'The range must not end before it starts';
      break;
  }
  return e;
}

/** The form field a server field path names for this condition type. */
function formPath(type: DenyConditionType) {
  return (field: string) => {
    if (field.startsWith('conditionValue.')) return field.slice('conditionValue.'.length);
    if (field === 'conditionValue')
      return type === 'APPLICATION'
        ? 'appName'
        : type === 'IP'
          ? 'fixedIp'
          : type === 'IPRANGE'
            ? 'startingIp'
            : 'value';
    return field;
  };
}

const FIELDS = [
  'conditionType',
  'value',
  'owner',
  'appName',
  'fixedIp',
  'startingIp',
  'endingIp',
  'invert',
  'conditionStatus',
];

export function DenyPolicyForm({ onDone }: { onDone: () => void }) {
  const client = useQueryClient();
  const form = useForm<DenyValues>({
    mode: 'controlled',
    initialValues: {
      conditionType: 'API',
      value: '',
      owner: '',
      appName: '',
      fixedIp: '',
      startingIp: '',
      endingIp: '',
      invert: false,
      conditionStatus: true,
    },
    validate: validateDeny,
  });
  const type = form.values.conditionType;
  const save = useMutation({
    mutationFn: (v: DenyValues) =>
      api<DenyPolicy>(paths.denyPolicies, { method: 'POST', body: toDenyPolicy(v) }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.denyPolicies });
      notifySuccess('Created the deny policy');
      onDone();
    },
    onError: (error) => reportAdminError(form, error, { fields: FIELDS, toFormPath: formPath(type) }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <Select
          label="Condition type"
          data={DENY_TYPES}
          allowDeselect={false}
          withAsterisk
          {...form.getInputProps('conditionType')}
        />
        {type === 'API' && (
          <TextInput
            label="API context"
            placeholder="/pizzashack/1.0.0"
            description="The context and version the gateway serves the API at"
            withAsterisk
            {...form.getInputProps('value')}
          />
        )}
        {type === 'USER' && <TextInput label="Username" withAsterisk {...form.getInputProps('value')} />}
        {type === 'APPLICATION' && (
          <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
            <TextInput label="Application owner" withAsterisk miw={160} {...form.getInputProps('owner')} />
            <TextInput label="Application name" withAsterisk miw={160} {...form.getInputProps('appName')} />
          </Group>
        )}
        {type === 'IP' && (
          <TextInput
            label="IP address"
            placeholder="192.0.2.7 or 2001:db8::7"
            withAsterisk
            {...form.getInputProps('fixedIp')}
          />
        )}
        {type === 'IPRANGE' && (
          <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
            <TextInput label="Starting IP" withAsterisk miw={160} {...form.getInputProps('startingIp')} />
            <TextInput label="Ending IP" withAsterisk miw={160} {...form.getInputProps('endingIp')} />
          </Group>
        )}
        {(type === 'IP' || type === 'IPRANGE') && (
          <Switch
            label="Invert: block every address except these"
            {...form.getInputProps('invert', { type: 'checkbox' })}
          />
        )}
        <Switch label="Enforce now" {...form.getInputProps('conditionStatus', { type: 'checkbox' })} />
        <FormActions submitLabel="Create" pending={save.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}
