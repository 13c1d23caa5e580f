// Where the gateway sends the API's calls: one endpoint, a load-balanced group or a primary with
// failovers, for production and sandbox keys each, and the credentials sent to those backends; or
// no backend at all (INLINE), the gateway answering with mock responses.
import {
  ActionIcon,
  Button,
  Fieldset,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { ApiError } from '@shared/api/client';
import { notifyError, notifySuccess } from '@shared/components/forms';
import type { ApiDetail } from '../../api/types';
import { checkEndpointUrl } from '../../components/apiRules';
import { SaveBar } from '../../components/SaveBar';
import {
  formFieldOf,
  toConfig,
  toValues,
  type EndpointRow,
  type EndpointType,
  type EndpointValues,
} from './endpointModel';
import { MockResponses } from './MockResponses';
import { useSaveApi } from './queries';

type Form = UseFormReturnType<EndpointValues>;
type KeyType = 'production' | 'sandbox';
const title: Record<KeyType, string> = { production: 'Production', sandbox: 'Sandbox' };
const emptyRow: EndpointRow = { url: '', weight: '', timeout: '', config: {} };

function Endpoints({ form, keyType }: { form: Form; keyType: KeyType }) {
  const { endpointType } = form.getValues();
  const rows = form.getValues()[keyType];
  const shown = endpointType === 'http' ? (rows.length ? rows.slice(0, 1) : []) : rows;
  const label = (i: number) =>
    endpointType === 'failover'
      ? i === 0
        ? `${title[keyType]} primary endpoint`
        : `${title[keyType]} failover ${i}`
      : endpointType === 'load_balance'
        ? `${title[keyType]} endpoint ${i + 1}`
        : `${title[keyType]} endpoint`;
  return (
    <Stack gap="xs">
      {endpointType === 'http' && shown.length === 0 && (
        <Group>
          <Text size="sm" c="dimmed">
            No {keyType} endpoint: {keyType} keys cannot call the API.
          </Text>
          <Button size="xs" variant="light" onClick={() => form.insertListItem(keyType, { ...emptyRow })}>
            Add a {keyType} endpoint
          </Button>
        </Group>
      )}
      {shown.map((_, i) => (
        <Group key={form.key(`${keyType}.${i}.url`)} align="flex-start" gap="xs" wrap="wrap">
          <TextInput
            label={label(i)}
            placeholder="http://backend:8080/v1"
            style={{ flex: 3, minWidth: 220 }}
            key={form.key(`${keyType}.${i}.url`)}
            {...form.getInputProps(`${keyType}.${i}.url`)}
          />
          {endpointType === 'load_balance' && (
            <NumberInput
              label="Weight"
              min={1}
              max={1000}
              w={90}
              key={form.key(`${keyType}.${i}.weight`)}
              {...form.getInputProps(`${keyType}.${i}.weight`)}
            />
          )}
          <NumberInput
            label="Timeout (ms)"
            placeholder="default"
            min={1}
            max={3600000}
            w={130}
            key={form.key(`${keyType}.${i}.timeout`)}
            {...form.getInputProps(`${keyType}.${i}.timeout`)}
          />
          <ActionIcon
            mt={28}
            variant="subtle"
            color="red"
            aria-label={`Remove ${label(i)}`}
            onClick={() => form.removeListItem(keyType, i)}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {endpointType !== 'http' && (
        <Group>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={14} />}
            onClick={() => form.insertListItem(keyType, { ...emptyRow })}
          >
            {endpointType === 'failover' && rows.length > 0
              ? `Add a ${keyType} failover`
              : `Add a ${keyType} endpoint`}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function Security({ form, keyType, stored }: { form: Form; keyType: KeyType; stored: boolean }) {
  const path = `${keyType}Security` as const;
  const s = form.getValues()[path];
  const secret = (field: 'password' | 'apiKeyValue' | 'clientSecret', label: string) => (
    <PasswordInput
      label={label}
      placeholder={stored ? 'Stored: leave empty to keep' : undefined}
      key={form.key(`${path}.${field}`)}
      {...form.getInputProps(`${path}.${field}`)}
    />
  );
  const text = (
    field: 'username' | 'apiKeyIdentifier' | 'tokenUrl' | 'clientId',
    label: string,
    placeholder?: string,
  ) => (
    <TextInput
      label={label}
      placeholder={placeholder}
      key={form.key(`${path}.${field}`)}
      {...form.getInputProps(`${path}.${field}`)}
    />
  );
  return (
    <Stack gap="xs">
      <Switch
        label={`Send credentials to the ${keyType} backend`}
        key={form.key(`${path}.enabled`)}
        {...form.getInputProps(`${path}.enabled`, { type: 'checkbox' })}
      />
      {s.enabled && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Type"
            allowDeselect={false}
            data={[
              { value: 'BASIC', label: 'Basic' },
              { value: 'DIGEST', label: 'Digest' },
              { value: 'APIKEY', label: 'API key' },
              { value: 'OAUTH', label: 'OAuth 2.0' },
            ]}
            key={form.key(`${path}.type`)}
            {...form.getInputProps(`${path}.type`)}
          />
          {(s.type === 'BASIC' || s.type === 'DIGEST') && (
            <>
              {text('username', 'Username')}
              {secret('password', 'Password')}
            </>
          )}
          {s.type === 'APIKEY' && (
            <>
              {text('apiKeyIdentifier', 'Key name', 'X-Api-Key')}
              {secret('apiKeyValue', 'Key value')}
              <Select
                label="Sent in"
                allowDeselect={false}
                data={[
                  { value: 'HEADER', label: 'A header' },
                  { value: 'QUERY_PARAMETER', label: 'A query parameter' },
                ]}
                key={form.key(`${path}.apiKeyIdentifierType`)}
                {...form.getInputProps(`${path}.apiKeyIdentifierType`)}
              />
            </>
          )}
          {s.type === 'OAUTH' && (
            <>
              <Select
                label="Grant type"
                allowDeselect={false}
                data={[
                  { value: 'CLIENT_CREDENTIALS', label: 'Client credentials' },
                  { value: 'PASSWORD', label: 'Password' },
                ]}
                key={form.key(`${path}.grantType`)}
                {...form.getInputProps(`${path}.grantType`)}
              />
              {text('tokenUrl', 'Token URL', 'https://idp.example.com/oauth2/token')}
              {text('clientId', 'Client ID')}
              {secret('clientSecret', 'Client secret')}
              {s.grantType === 'PASSWORD' && (
                <>
                  {text('username', 'Username')}
                  {secret('password', 'Password')}
                </>
              )}
            </>
          )}
        </SimpleGrid>
      )}
    </Stack>
  );
}

export function EndpointsTab({ api }: { api: ApiDetail }) {
  const save = useSaveApi(api);
  const form = useForm<EndpointValues>({
    mode: 'controlled',
    initialValues: toValues(api.endpointConfig),
    validate: (v) => {
      const errors: Record<string, string | null> = {};
      if (v.endpointType === 'INLINE') return errors;
      for (const k of ['production', 'sandbox'] as const) {
        const rows = v.endpointType === 'http' ? v[k].slice(0, 1) : v[k];
        rows.forEach((r, i) => {
          errors[`${k}.${i}.url`] = checkEndpointUrl(r.url, v.endpointType !== 'http');
          if (
            v.endpointType === 'load_balance' &&
            r.weight !== '' &&
            !(Number.isInteger(Number(r.weight)) && Number(r.weight) >= 1 && Number(r.weight) <= 1000)
          )
            errors[`${k}.${i}.weight`] = 'A weight is a whole number from 1 to 1000';
        });
        const sec = v[`${k}Security`];
        if (sec.enabled) {
          const need = (f: keyof typeof sec, what: string) => {
            if (!String(sec[f]).trim()) errors[`${k}Security.${f}`] = `${what} is required`;
          };
          if (
            sec.type === 'BASIC' ||
            sec.type === 'DIGEST' ||
            (sec.type === 'OAUTH' && sec.grantType === 'PASSWORD')
          )
            need('username', 'A username');
          if (sec.type === 'APIKEY') need('apiKeyIdentifier', 'The key name');
          if (sec.type === 'OAUTH') {
            need('clientId', 'A client ID');
            errors[`${k}Security.tokenUrl`] = checkEndpointUrl(sec.tokenUrl, true);
          }
        }
      }
      return errors;
    },
  });
  const stored = (k: KeyType) => Boolean(api.endpointConfig?.endpoint_security?.[k]?.enabled);
  const { endpointType } = form.getValues();

  const submit = form.onSubmit((v) =>
    save.mutate(
      { endpointConfig: toConfig(v, api.endpointConfig) },
      {
        onSuccess: () => notifySuccess('Endpoints saved'),
        onError: (e) => {
          const target = e instanceof ApiError && e.field ? formFieldOf(e.field, v.endpointType) : null;
          if (target) form.setFieldError(target, e.message);
          else notifyError(e, 'The endpoints were not saved');
        },
      },
    ),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={900}>
        <div>
          <Text size="sm" fw={500} id="endpoint-type-label">
            Endpoint type
          </Text>
          <SegmentedControl
            aria-labelledby="endpoint-type-label"
            value={endpointType}
            onChange={(t) => {
              form.setFieldValue('endpointType', t as EndpointType);
              for (const k of ['production', 'sandbox'] as const)
                if (t !== 'http' && t !== 'INLINE' && form.getValues()[k].length === 0)
                  form.setFieldValue(k, [{ ...emptyRow }]);
            }}
            data={[
              { value: 'http', label: 'Single' },
              { value: 'load_balance', label: 'Load balanced' },
              { value: 'failover', label: 'Failover' },
              { value: 'INLINE', label: 'Mock' },
            ]}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {endpointType === 'load_balance'
              ? 'Calls rotate over the endpoints (weighted round robin); an endpoint that cannot be reached is skipped.'
              : endpointType === 'failover'
                ? 'Every call tries the primary first, then the failovers in order.'
                : endpointType === 'INLINE'
                  ? 'No backend (an INLINE endpoint): the gateway answers with mock responses.'
                  : 'One backend for each key type.'}
          </Text>
        </div>
        {endpointType === 'INLINE' ? (
          <Fieldset legend="Mock responses">
            <MockResponses api={api} saved={api.endpointConfig?.endpoint_type === 'INLINE'} />
          </Fieldset>
        ) : (
          (['production', 'sandbox'] as const).map((k) => (
            <Fieldset key={k} legend={`${title[k]} (${k} keys)`}>
              <Stack>
                <Endpoints form={form} keyType={k} />
                <Security form={form} keyType={k} stored={stored(k)} />
              </Stack>
            </Fieldset>
          ))
        )}
        <SaveBar dirty={form.isDirty()} pending={save.isPending} onDiscard={() => form.reset()} />
      </Stack>
    </form>
  );
}
