// An application's keys of one type (production or sandbox): its OAuth client (generate, edit,
// regenerate the secret), test tokens, and API keys.
import { useState } from 'react';
import {
  Badge,
  Button,
  Checkbox,
  Divider,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import { CopyField } from '@shared/components/CopyField';
import { notifyError, notifySuccess, reportFormError } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { keys, useOAuthKeys, useSubscriptionsOfApp, useSwagger } from '../../api/queries';
import type {
  AccessToken,
  ApiKey,
  Application,
  ApplicationKey,
  GenerateKeysRequest,
  KeyType,
} from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { apiCurl, ShownOnce, tokenCurl } from './ShownOnce';

export const GRANT_TYPES = [
  { value: 'client_credentials', label: 'Client credentials' },
  { value: 'password', label: 'Password' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'authorization_code', label: 'Authorization code' },
  { value: 'urn:ietf:params:oauth:grant-type:jwt-bearer', label: 'JWT bearer' },
];

const MAX_TOKEN_VALIDITY = 31_536_000;

interface ClientValues {
  grantTypes: string[];
  callbackUrl: string;
  validityTime: number | string;
}

function callbackError(v: string, all: ClientValues): string | null {
  if (!v)
    return all.grantTypes.includes('authorization_code')
      ? 'The authorization code grant needs a callback URL'
      : null;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'Use an http or https URL';
  } catch {
    return 'Enter a full URL such as https://app.example.com/callback';
  }
}

function ClientFields({
  form,
  withValidity,
}: {
  form: UseFormReturnType<ClientValues>;
  withValidity: boolean;
}) {
  return (
    <>
      <Checkbox.Group
        label="Grant types"
        description="How your client may get tokens"
        required
        {...form.getInputProps('grantTypes')}
      >
        <Stack gap={6} mt={6}>
          {GRANT_TYPES.map((g) => (
            <Checkbox key={g.value} value={g.value} label={g.label} />
          ))}
        </Stack>
      </Checkbox.Group>
      <TextInput
        label="Callback URL"
        description="Where the Key Manager sends users back (authorization code grant)"
        placeholder="https://app.example.com/callback"
        required={form.values.grantTypes.includes('authorization_code')}
        {...form.getInputProps('callbackUrl')}
      />
      {withValidity && (
        <NumberInput
          label="Access token validity (seconds)"
          min={1}
          max={MAX_TOKEN_VALIDITY}
          allowDecimal={false}
          {...form.getInputProps('validityTime')}
        />
      )}
    </>
  );
}

const clientValidation = {
  grantTypes: (v: string[]) => (v.length ? null : 'Choose at least one grant type'),
  callbackUrl: callbackError,
  validityTime: (v: number | string) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_TOKEN_VALIDITY
      ? null
      : `Between 1 and ${MAX_TOKEN_VALIDITY} seconds`,
};
const clientFields = {
  grantTypesToBeSupported: 'grantTypes',
  supportedGrantTypes: 'grantTypes',
  callbackUrl: 'callbackUrl',
  validityTime: 'validityTime',
};

function GenerateKeys({
  app,
  keyType,
  onCreated,
}: {
  app: Application;
  keyType: KeyType;
  onCreated: (k: ApplicationKey) => void;
}) {
  const client = useQueryClient();
  const form = useForm<ClientValues>({
    mode: 'controlled',
    initialValues: { grantTypes: ['client_credentials'], callbackUrl: '', validityTime: 3600 },
    validate: clientValidation,
  });
  const generate = useMutation({
    mutationFn: (body: GenerateKeysRequest) =>
      api<ApplicationKey>(`${DEVPORTAL}/applications/${app.applicationId}/generate-keys`, {
        method: 'POST',
        body,
      }),
    onSuccess: (k) => {
      void client.invalidateQueries({ queryKey: keys.oauthKeys(app.applicationId) });
      onCreated(k);
    },
    onError: (e) => reportFormError(form, e, clientFields),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) =>
        generate.mutate({
          keyType,
          grantTypesToBeSupported: v.grantTypes,
          callbackUrl: v.callbackUrl || undefined,
          validityTime: Number(v.validityTime),
        }),
      )}
    >
      <Stack maw={560}>
        <Text>
          This application has no {keyType.toLowerCase()} keys yet. Keys are an OAuth client: a consumer key
          and secret.
        </Text>
        <ClientFields form={form} withValidity />
        <Group>
          <Button type="submit" loading={generate.isPending}>
            Generate keys
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditClient({
  app,
  mapping,
  onDone,
}: {
  app: Application;
  mapping: ApplicationKey;
  onDone: () => void;
}) {
  const client = useQueryClient();
  const form = useForm<ClientValues>({
    mode: 'controlled',
    initialValues: {
      grantTypes: mapping.supportedGrantTypes,
      callbackUrl: mapping.callbackUrl ?? '',
      validityTime: 3600,
    },
    validate: clientValidation,
  });
  const save = useMutation({
    mutationFn: (v: ClientValues) =>
      api<ApplicationKey>(
        `${DEVPORTAL}/applications/${app.applicationId}/oauth-keys/${mapping.keyMappingId}`,
        {
          method: 'PUT',
          body: {
            ...mapping,
            consumerSecret: undefined,
            token: undefined,
            supportedGrantTypes: v.grantTypes,
            callbackUrl: v.callbackUrl,
          },
        },
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.oauthKeys(app.applicationId) });
      notifySuccess('The keys are saved');
      onDone();
    },
    onError: (e) => reportFormError(form, e, clientFields),
  });
  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate(v))}>
      <Stack maw={560}>
        <ClientFields form={form} withValidity={false} />
        <Group>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The gateway URL of one of the application's subscribed APIs, for a ready-to-paste curl line. */
function useSubscribedApiUrl(appId: string): {
  url: string | null;
  choices: { value: string; label: string }[];
  apiId: string | null;
  setApiId: (v: string | null) => void;
} {
  const subs = useSubscriptionsOfApp(appId);
  const [picked, setApiId] = useState<string | null>(null);
  const choices = (subs.data?.list ?? []).map((s) => ({
    value: s.apiId,
    label: s.apiInfo ? `${s.apiInfo.name} ${s.apiInfo.version}` : s.apiId,
  }));
  const apiId = picked ?? choices[0]?.value ?? null;
  const swagger = useSwagger(apiId ?? '', apiId !== null);
  return { url: swagger.data?.servers?.[0]?.url ?? null, choices, apiId, setApiId };
}

interface TokenValues {
  consumerSecret: string;
  validityPeriod: number | string;
  scopes: string[];
}

function TestToken({ app, mapping }: { app: Application; mapping: ApplicationKey }) {
  const target = useSubscribedApiUrl(app.applicationId);
  const form = useForm<TokenValues>({
    mode: 'controlled',
    initialValues: { consumerSecret: '', validityPeriod: 3600, scopes: [] },
    validate: {
      consumerSecret: (v) => (v ? null : 'The consumer secret is required'),
      validityPeriod: clientValidation.validityTime,
    },
  });
  const token = useMutation({
    mutationFn: (v: TokenValues) =>
      api<AccessToken>(
        `${DEVPORTAL}/applications/${app.applicationId}/oauth-keys/${mapping.keyMappingId}/generate-token`,
        {
          method: 'POST',
          keepSessionOn401: true,
          body: {
            consumerSecret: v.consumerSecret,
            validityPeriod: Number(v.validityPeriod),
            scopes: v.scopes,
          },
        },
      ),
    onError: (e) => reportFormError(form, e, ['consumerSecret', 'validityPeriod', 'scopes']),
  });
  return (
    <Stack>
      <form noValidate onSubmit={form.onSubmit((v) => token.mutate(v))}>
        <Stack maw={560}>
          <PasswordInput
            label="Consumer secret"
            description="The secret shown when the keys were made"
            required
            {...form.getInputProps('consumerSecret')}
          />
          <Group grow align="flex-start" wrap="wrap">
            <NumberInput
              label="Token validity (seconds)"
              min={1}
              max={MAX_TOKEN_VALIDITY}
              allowDecimal={false}
              {...form.getInputProps('validityPeriod')}
            />
            <TagsInput
              label="Scopes"
              placeholder="Type a scope, press Enter"
              {...form.getInputProps('scopes')}
            />
          </Group>
          <Group>
            <Button type="submit" loading={token.isPending}>
              Get test token
            </Button>
          </Group>
        </Stack>
      </form>
      {token.data && (
        <Stack gap="sm">
          <CopyField label="Access token" value={token.data.accessToken} block />
          <Text size="sm" c="dimmed">
            Valid for {token.data.validityTime} s
            {token.data.tokenScopes.length ? `; scopes ${token.data.tokenScopes.join(' ')}` : ''}
          </Text>
          {target.choices.length > 1 && (
            <Select
              label="API to call"
              data={target.choices}
              value={target.apiId}
              onChange={target.setApiId}
              allowDeselect={false}
              maw={320}
            />
          )}
          {target.url ? (
            <CopyField
              label="Call the API"
              value={apiCurl(target.url, { kind: 'bearer', value: token.data.accessToken })}
              block
            />
          ) : (
            <Text size="sm" c="dimmed">
              Subscribe this application to an API to call it with this token.
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function ApiKeys({ app, keyType }: { app: Application; keyType: KeyType }) {
  const [validity, setValidity] = useState<number | string>('');
  const [issued, setIssued] = useState<ApiKey | null>(null);
  const [toRevoke, setToRevoke] = useState('');
  const [confirming, setConfirming] = useState(false);
  const generate = useMutation({
    mutationFn: () =>
      api<ApiKey>(`${DEVPORTAL}/applications/${app.applicationId}/api-keys/${keyType}/generate`, {
        method: 'POST',
        body: { validityPeriod: validity === '' ? -1 : Number(validity) },
      }),
    onSuccess: setIssued,
    onError: (e) => notifyError(e, 'No API key'),
  });
  const revoke = useMutation({
    mutationFn: () =>
      api(`${DEVPORTAL}/applications/${app.applicationId}/api-keys/${keyType}/revoke`, {
        method: 'POST',
        body: { apikey: toRevoke.trim() },
      }),
    onSuccess: () => {
      notifySuccess('The API key is revoked');
      setToRevoke('');
      setConfirming(false);
    },
    onError: (e) => {
      setConfirming(false);
      notifyError(e, 'The API key was not revoked');
    },
  });
  return (
    <Stack maw={560}>
      <Text size="sm">
        API keys call APIs that accept them (header <code>apikey</code>), without an OAuth token.
      </Text>
      <Group align="flex-end" wrap="wrap">
        <NumberInput
          label="API key validity (seconds)"
          description="Empty: no expiry"
          min={1}
          max={315_360_000}
          allowDecimal={false}
          value={validity}
          onChange={setValidity}
          style={{ flex: '1 1 12rem' }}
        />
        <Button onClick={() => generate.mutate()} loading={generate.isPending}>
          Generate API key
        </Button>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="API key to revoke"
          value={toRevoke}
          onChange={(e) => setToRevoke(e.currentTarget.value)}
          style={{ flex: '1 1 12rem' }}
        />
        <Button color="red.9" variant="light" disabled={!toRevoke.trim()} onClick={() => setConfirming(true)}>
          Revoke
        </Button>
      </Group>
      <ShownOnce
        opened={issued !== null}
        title={`${keyType === 'PRODUCTION' ? 'Production' : 'Sandbox'} API key`}
        onClose={() => setIssued(null)}
      >
        {issued && (
          <>
            <CopyField label="API key" value={issued.apikey} block />
            <Text size="sm">
              {issued.validityTime === -1 ? 'It does not expire.' : `Valid for ${issued.validityTime} s.`}
            </Text>
          </>
        )}
      </ShownOnce>
      <ConfirmDialog
        opened={confirming}
        title="Revoke this API key?"
        confirmLabel="Revoke"
        pending={revoke.isPending}
        onConfirm={() => revoke.mutate()}
        onClose={() => setConfirming(false)}
      >
        Calls with it are refused from now on.
      </ConfirmDialog>
    </Stack>
  );
}

export function KeysTab({ app, keyType }: { app: Application; keyType: KeyType }) {
  const oauthKeys = useOAuthKeys(app.applicationId);
  const [secret, setSecret] = useState<{
    consumerKey: string;
    consumerSecret: string;
    token?: AccessToken;
  } | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmRegenerate, setConfirmRegenerate] = useState(false);
  const regenerate = useMutation({
    mutationFn: (m: ApplicationKey) =>
      api<{ consumerKey: string; consumerSecret: string }>(
        `${DEVPORTAL}/applications/${app.applicationId}/oauth-keys/${m.keyMappingId}/regenerate-secret`,
        { method: 'POST' },
      ),
    onSuccess: (s) => {
      setConfirmRegenerate(false);
      setSecret(s);
    },
    onError: (e) => {
      setConfirmRegenerate(false);
      notifyError(e, 'The secret was not regenerated');
    },
  });
  const label = keyType === 'PRODUCTION' ? 'Production' : 'Sandbox';

  return (
    <Stack>
      <QueryState query={oauthKeys} label="Loading keys">
        {(data) => {
          const mapping = data.list.find((k) => k.keyType === keyType);
          if (!mapping)
            return (
              <GenerateKeys
                app={app}
                keyType={keyType}
                onCreated={(k) =>
                  setSecret({
                    consumerKey: k.consumerKey,
                    consumerSecret: k.consumerSecret ?? '',
                    token: k.token,
                  })
                }
              />
            );
          return (
            <Stack>
              <Paper withBorder p="md">
                <Stack>
                  <Group justify="space-between">
                    <Title order={3} size="h4">
                      OAuth client
                    </Title>
                    {!editing && (
                      <Group gap="xs">
                        <Button variant="default" size="xs" onClick={() => setEditing(true)}>
                          Edit
                        </Button>
                        <Button
                          variant="light"
                          color="orange.9"
                          size="xs"
                          onClick={() => setConfirmRegenerate(true)}
                        >
                          Regenerate secret
                        </Button>
                      </Group>
                    )}
                  </Group>
                  <CopyField label="Consumer key" value={mapping.consumerKey} />
                  {editing ? (
                    <EditClient app={app} mapping={mapping} onDone={() => setEditing(false)} />
                  ) : (
                    <>
                      <div>
                        <Text size="sm" fw={500} mb={4}>
                          Grant types
                        </Text>
                        <Group gap={4}>
                          {mapping.supportedGrantTypes.map((g) => (
                            <Badge key={g} variant="light">
                              {GRANT_TYPES.find((x) => x.value === g)?.label ?? g}
                            </Badge>
                          ))}
                        </Group>
                      </div>
                      {mapping.callbackUrl && <CopyField label="Callback URL" value={mapping.callbackUrl} />}
                    </>
                  )}
                </Stack>
              </Paper>
              <Paper withBorder p="md">
                <Title order={3} size="h4" mb="sm">
                  Test token
                </Title>
                <TestToken app={app} mapping={mapping} />
              </Paper>
              <ConfirmDialog
                opened={confirmRegenerate}
                title="Regenerate the consumer secret?"
                confirmLabel="Regenerate"
                pending={regenerate.isPending}
                onConfirm={() => regenerate.mutate(mapping)}
                onClose={() => setConfirmRegenerate(false)}
              >
                The current secret stops working at once; clients using it must get the new one.
              </ConfirmDialog>
            </Stack>
          );
        }}
      </QueryState>
      <Divider />
      <Title order={3} size="h4">
        API keys
      </Title>
      <ApiKeys app={app} keyType={keyType} />
      <ShownOnce opened={secret !== null} title={`${label} keys`} onClose={() => setSecret(null)}>
        {secret && (
          <>
            <CopyField label="Consumer key" value={secret.consumerKey} />
            <CopyField label="Consumer secret" value={secret.consumerSecret} />
            <CopyField
              label="Get a token"
              value={tokenCurl(secret.consumerKey, secret.consumerSecret)}
              block
            />
            {secret.token && <CopyField label="Access token" value={secret.token.accessToken} block />}
          </>
        )}
      </ShownOnce>
    </Stack>
  );
}
