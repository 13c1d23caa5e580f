// Register or change an external key manager (an identity provider whose JWTs the gateway accepts,
// verified with its JWKS).
import { Group, Select, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { keys, paths } from '../api/admin';
import type { KeyManager } from '../api/types';
import { reportAdminError } from '../components/serverErrors';

export interface KeyManagerValues {
  name: string;
  displayName: string;
  type: string;
  description: string;
  issuer: string;
  jwksUrl: string;
  consumerKeyClaim: string;
  scopesClaim: string;
  enabled: boolean;
}

export function validateKeyManager(v: KeyManagerValues): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.name.trim()) e.name = 'Enter a name';
  else if (v.name.length > 100) e.name = 'At most 100 characters';
  else if (v.name.trim() === 'Resident Key Manager') e.name = "'Resident Key Manager' is reserved";
  if (!v.type) e.type = 'Choose a type';
  if (!v.issuer.trim()) e.issuer = 'Enter the issuer (the iss claim of its tokens)';
  if (!/^https?:\/\/\S+$/.test(v.jwksUrl.trim())) e.jwksUrl = 'Enter the JWKS URL (http or https)';
  if (!v.consumerKeyClaim.trim()) e.consumerKeyClaim = 'Enter the claim naming the client (e.g. azp)';
  if (!v.scopesClaim.trim()) e.scopesClaim = 'Enter the claim holding the scopes (e.g. scope)';
  return e;
}

const toFormPath = (field: string) => (field.startsWith('certificates') ? 'jwksUrl' : field);
const FIELDS = [
  'name',
  'displayName',
  'type',
  'description',
  'issuer',
  'jwksUrl',
  'consumerKeyClaim',
  'scopesClaim',
  'enabled',
];

export function KeyManagerForm({
  keyManager,
  types,
  onDone,
}: {
  keyManager?: KeyManager;
  types: { value: string; label: string }[];
  onDone: () => void;
}) {
  const client = useQueryClient();
  const editing = Boolean(keyManager?.id);
  const form = useForm<KeyManagerValues>({
    mode: 'controlled',
    initialValues: {
      name: keyManager?.name ?? '',
      displayName: keyManager?.displayName ?? '',
      type: keyManager?.type ?? types[0]?.value ?? 'custom',
      description: keyManager?.description ?? '',
      issuer: keyManager?.issuer ?? '',
      jwksUrl: keyManager?.certificates?.value ?? '',
      consumerKeyClaim: keyManager?.consumerKeyClaim ?? 'azp',
      scopesClaim: keyManager?.scopesClaim ?? 'scope',
      enabled: keyManager?.enabled ?? true,
    },
    validate: validateKeyManager,
  });
  const typeData = types.some((t) => t.value === form.values.type)
    ? types
    : [...types, { value: form.values.type, label: form.values.type }];
  const save = useMutation({
    mutationFn: (v: KeyManagerValues) => {
      const body: KeyManager = {
        name: v.name.trim(),
        displayName: v.displayName.trim() || v.name.trim(),
        type: v.type,
        description: v.description,
        issuer: v.issuer.trim(),
        certificates: { type: 'JWKS', value: v.jwksUrl.trim() },
        consumerKeyClaim: v.consumerKeyClaim.trim(),
        scopesClaim: v.scopesClaim.trim(),
        enabled: v.enabled,
      };
      return api<KeyManager>(editing ? `${paths.keyManagers}/${keyManager!.id}` : paths.keyManagers, {
        method: editing ? 'PUT' : 'POST',
        body,
      });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: keys.keyManagers });
      notifySuccess(`${editing ? 'Saved' : 'Registered'} key manager ${saved.displayName || saved.name}`);
      onDone();
    },
    onError: (error) => reportAdminError(form, error, { fields: FIELDS, conflictField: 'name', toFormPath }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
          <TextInput label="Name" withAsterisk miw={180} {...form.getInputProps('name')} />
          <TextInput
            label="Display name"
            description="The name when empty"
            miw={180}
            {...form.getInputProps('displayName')}
          />
        </Group>
        <Select
          label="Type"
          data={typeData}
          allowDeselect={false}
          withAsterisk
          {...form.getInputProps('type')}
        />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <TextInput
          label="Issuer"
          description="The iss claim of its tokens"
          placeholder="https://idp.example.com/oauth2/default"
          withAsterisk
          {...form.getInputProps('issuer')}
        />
        <TextInput
          label="JWKS URL"
          description="Where its token signing keys are published"
          placeholder="https://idp.example.com/oauth2/v1/keys"
          withAsterisk
          {...form.getInputProps('jwksUrl')}
        />
        <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
          <TextInput
            label="Consumer key claim"
            description="The claim naming the client"
            withAsterisk
            miw={180}
            {...form.getInputProps('consumerKeyClaim')}
          />
          <TextInput
            label="Scopes claim"
            description="The claim holding the scopes"
            withAsterisk
            miw={180}
            {...form.getInputProps('scopesClaim')}
          />
        </Group>
        <Switch
          label="Enabled: the gateway accepts its tokens"
          {...form.getInputProps('enabled', { type: 'checkbox' })}
        />
        <FormActions submitLabel={editing ? 'Save' : 'Register'} pending={save.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}
