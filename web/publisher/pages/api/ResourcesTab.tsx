// The API's operations: verb, URL template, security on or off, scopes, the operation's rate limit
// (advanced tiers of GET /throttling-policies/api); add and remove operations; the API's scopes and
// API-wide rate limit. Saved with PUT /apis/{apiId}.
import { useState } from 'react';
import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { notifySuccess } from '@shared/components/forms';
import type { ApiDetail, ApiScope, Operation } from '../../api/types';
import { reportListError } from '../../components/apiRules';
import { SaveBar } from '../../components/SaveBar';
import { VerbBadge } from '../../components/VerbBadge';
import { tierOptions, useSaveApi, useTiers } from './queries';

export const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const DEFAULT_AUTH = 'Application & Application User';

interface Values {
  operations: Operation[];
  scopes: string[];
  apiThrottlingPolicy: string;
}

export function checkTarget(target: string): string | null {
  if (!target.startsWith('/')) return "The URL template must start with '/'";
  if (/\s/.test(target)) return 'The URL template must not contain spaces';
  const body = target.endsWith('/*') ? target.slice(0, -2) : target;
  if (body.includes('*')) return "'*' may only end the URL template as '/*'";
  if (!/^(\/([^/{}]+|\{[A-Za-z_][\w-]*\}))*\/?$/.test(body))
    return 'Use path segments and {param} segments, e.g. /pets/{petId}';
  return null;
}

function AddOperation({ existing, onAdd }: { existing: Operation[]; onAdd: (op: Operation) => void }) {
  const form = useForm({
    mode: 'controlled',
    initialValues: { verb: 'GET', target: '' },
    validate: {
      target: (t, v) =>
        checkTarget(t) ??
        (existing.some((o) => o.verb.toUpperCase() === v.verb && o.target === t)
          ? `${v.verb} ${t} is already an operation`
          : null),
    },
  });
  return (
    <Group align="flex-start" wrap="wrap" gap="xs">
      <Select
        label="Verb"
        data={VERBS}
        allowDeselect={false}
        w={120}
        key={form.key('verb')}
        {...form.getInputProps('verb')}
      />
      <TextInput
        label="URL template"
        placeholder="/pets/{petId}"
        style={{ flex: 1, minWidth: 180 }}
        key={form.key('target')}
        {...form.getInputProps('target')}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
      />
      <Button mt={25} variant="light" leftSection={<IconPlus size={16} />} onClick={() => add()}>
        Add operation
      </Button>
    </Group>
  );
  function add() {
    if (form.validate().hasErrors) return;
    const { verb, target } = form.getValues();
    onAdd({ verb, target, authType: DEFAULT_AUTH, throttlingPolicy: 'Unlimited', scopes: [] });
    form.setFieldValue('target', '');
  }
}

export function ResourcesTab({ api }: { api: ApiDetail }) {
  const save = useSaveApi(api);
  const tiers = useTiers('api');
  const [filter, setFilter] = useState('');
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      operations: api.operations ?? [],
      scopes: (api.scopes ?? []).map((s) => s.scope.name),
      apiThrottlingPolicy: api.apiThrottlingPolicy ?? '',
    },
  });
  const values = form.getValues();
  const tierData = tierOptions(tiers.data?.list);
  const scopeData = values.scopes;
  const f = filter.trim().toLowerCase();
  const shown = values.operations
    .map((op, i) => ({ op, i }))
    .filter(({ op }) => !f || `${op.verb} ${op.target}`.toLowerCase().includes(f));

  const submit = form.onSubmit((v) => {
    const byName = new Map((api.scopes ?? []).map((s) => [s.scope.name, s]));
    const scopes: ApiScope[] = v.scopes.map(
      (name) =>
        byName.get(name) ?? {
          scope: { name, displayName: name, description: '', bindings: [] },
          shared: false,
        },
    );
    const operations = v.operations.map((op) => ({
      ...op,
      scopes: (op.scopes ?? []).filter((s) => v.scopes.includes(s)),
    }));
    save.mutate(
      { operations, scopes, apiThrottlingPolicy: v.apiThrottlingPolicy || undefined },
      {
        onSuccess: () => notifySuccess('Resources saved'),
        onError: (e) =>
          reportListError(form, e, [/^operations\.\d+\.(scopes|throttlingPolicy)$/, /^apiThrottlingPolicy$/]),
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Group align="flex-end" wrap="wrap">
          <Select
            label="Rate limit of the whole API"
            description="An advanced tier over all operations; none: each operation's own"
            placeholder="None"
            clearable
            clearButtonProps={{ 'aria-label': 'No rate limit for the whole API' }}
            data={tierData}
            style={{ flex: 1, minWidth: 220 }}
            key={form.key('apiThrottlingPolicy')}
            {...form.getInputProps('apiThrottlingPolicy')}
            value={values.apiThrottlingPolicy || null}
            onChange={(v) => form.setFieldValue('apiThrottlingPolicy', v ?? '')}
          />
          <TagsInput
            label="Scopes of the API"
            description="Names operations can require (press Enter after each)"
            style={{ flex: 1, minWidth: 220 }}
            key={form.key('scopes')}
            {...form.getInputProps('scopes')}
          />
        </Group>
        <Title order={3} size="h4">
          Operations ({values.operations.length})
        </Title>
        <AddOperation existing={values.operations} onAdd={(op) => form.insertListItem('operations', op)} />
        {values.operations.length > 10 && (
          <TextInput
            label="Filter operations"
            placeholder="e.g. GET /pets"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
          />
        )}
        {values.operations.length === 0 ? (
          <Text c="dimmed">No operations: the gateway answers 404 for every path. Add one above.</Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Operation</Table.Th>
                  <Table.Th>Security</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Rate limit</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Remove</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map(({ op, i }) => {
                  const name = `${op.verb.toUpperCase()} ${op.target}`;
                  const secured = (op.authType ?? DEFAULT_AUTH) !== 'None';
                  return (
                    <Table.Tr key={`${op.verb} ${op.target}`}>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <VerbBadge verb={op.verb} />
                          <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                            {op.target}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Switch
                          aria-label={`Security of ${name}`}
                          label={secured ? 'Token' : 'None'}
                          checked={secured}
                          onChange={(e) =>
                            form.setFieldValue(
                              `operations.${i}.authType`,
                              e.currentTarget.checked ? DEFAULT_AUTH : 'None',
                            )
                          }
                        />
                      </Table.Td>
                      <Table.Td>
                        <MultiSelect
                          aria-label={`Scopes of ${name}`}
                          placeholder={scopeData.length ? 'Any scope' : 'No scopes defined'}
                          data={scopeData}
                          disabled={!secured || scopeData.length === 0}
                          key={form.key(`operations.${i}.scopes`)}
                          {...form.getInputProps(`operations.${i}.scopes`)}
                          value={op.scopes ?? []}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={`Rate limit of ${name}`}
                          data={tierData.length ? tierData : [op.throttlingPolicy ?? 'Unlimited']}
                          allowDeselect={false}
                          key={form.key(`operations.${i}.throttlingPolicy`)}
                          {...form.getInputProps(`operations.${i}.throttlingPolicy`)}
                          value={op.throttlingPolicy ?? 'Unlimited'}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={`Remove ${name}`}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove ${name}`}
                            onClick={() => form.removeListItem('operations', i)}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {tiers.isError && (
          <Text size="sm" c="red">
            The rate-limit tiers could not be loaded: {tiers.error.message}
          </Text>
        )}
        <SaveBar dirty={form.isDirty()} pending={save.isPending} onDiscard={() => form.reset()} />
      </Stack>
    </form>
  );
}
