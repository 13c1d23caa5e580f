// The API's definition in Swagger UI with "Try it out" through the gateway: the panel above it gets
// a test token (or an API key) of one of the user's subscribed applications and Swagger UI sends it.
import { lazy, Suspense, useState } from 'react';
import { Link, useLocation } from 'react-router';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import { notifyError } from '@shared/components/forms';
import { ErrorNotice, Loading, QueryState } from '@shared/components/QueryState';
import { useAuth } from '@shared/auth/AuthContext';
import { useApplications, useOAuthKeys, useSubscriptionsOfApi, useSwagger } from '../../api/queries';
import type { AccessToken, ApiDetail, ApiKey, KeyType } from '../../api/types';
import type { TryItCredential } from './SwaggerView';

const SwaggerView = lazy(() => import('./SwaggerView'));

function TryItPanel({
  api: a,
  credential,
  onCredential,
}: {
  api: ApiDetail;
  credential: TryItCredential;
  onCredential: (c: TryItCredential) => void;
}) {
  const subs = useSubscriptionsOfApi(a.id);
  const apps = useApplications();
  const [appId, setAppId] = useState<string | null>(null);
  const [keyType, setKeyType] = useState<KeyType>('PRODUCTION');
  const [secret, setSecret] = useState('');
  const subscribedIds = new Set((subs.data?.list ?? []).map((s) => s.applicationId));
  const options = (apps.data?.list ?? [])
    .filter((x) => subscribedIds.has(x.applicationId))
    .map((x) => ({ value: x.applicationId, label: x.name }));
  const chosen = appId ?? options[0]?.value ?? null;
  const oauthKeys = useOAuthKeys(chosen ?? '', chosen !== null && credential.kind === 'bearer');
  const mapping = oauthKeys.data?.list.find((k) => k.keyType === keyType);

  const token = useMutation({
    mutationFn: () =>
      api<AccessToken>(
        `${DEVPORTAL}/applications/${chosen}/oauth-keys/${mapping!.keyMappingId}/generate-token`,
        {
          method: 'POST',
          keepSessionOn401: true,
          body: { consumerSecret: secret, validityPeriod: 3600, scopes: [] },
        },
      ),
    onSuccess: (t) => onCredential({ kind: 'bearer', value: t.accessToken }),
    onError: (e) => notifyError(e, 'No test token'),
  });
  const apiKey = useMutation({
    mutationFn: () =>
      api<ApiKey>(`${DEVPORTAL}/applications/${chosen}/api-keys/${keyType}/generate`, {
        method: 'POST',
        body: { validityPeriod: 3600 },
      }),
    onSuccess: (k) => onCredential({ kind: 'apikey', value: k.apikey }),
    onError: (e) => notifyError(e, 'No API key'),
  });

  if (subs.isPending || apps.isPending) return <Loading label="Loading your applications" />;
  if (subs.isError || apps.isError)
    return (
      <ErrorNotice
        error={subs.error ?? apps.error}
        onRetry={() => void (subs.isError ? subs.refetch() : apps.refetch())}
      />
    );
  if (options.length === 0)
    return <Text>Subscribe one of your applications to this API to try it with the application's keys.</Text>;
  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Application"
          data={options}
          value={chosen}
          onChange={(v) => {
            setAppId(v);
            setSecret('');
          }}
          allowDeselect={false}
          w={{ base: '100%', xs: 220 }}
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="tryit-keytype">
            Keys
          </Text>
          <SegmentedControl
            aria-labelledby="tryit-keytype"
            value={keyType}
            onChange={(v) => setKeyType(v as KeyType)}
            data={[
              { value: 'PRODUCTION', label: 'Production' },
              { value: 'SANDBOX', label: 'Sandbox' },
            ]}
          />
        </div>
        <div>
          <Text size="sm" fw={500} mb={4} id="tryit-kind">
            Credential
          </Text>
          <SegmentedControl
            aria-labelledby="tryit-kind"
            value={credential.kind}
            onChange={(v) => onCredential({ kind: v as TryItCredential['kind'], value: '' })}
            data={[
              { value: 'bearer', label: 'OAuth token' },
              { value: 'apikey', label: 'API key' },
            ]}
          />
        </div>
      </Group>
      {credential.kind === 'bearer' ? (
        oauthKeys.isPending ? (
          <Loading label="Loading the application's keys" />
        ) : oauthKeys.isError ? (
          <ErrorNotice error={oauthKeys.error} onRetry={() => void oauthKeys.refetch()} />
        ) : !mapping ? (
          <Text>
            This application has no {keyType.toLowerCase()} keys yet:{' '}
            <Anchor
              component={Link}
              to={`/applications/${chosen}/${keyType === 'PRODUCTION' ? 'production' : 'sandbox'}-keys`}
            >
              generate them
            </Anchor>
            .
          </Text>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (secret) token.mutate();
            }}
          >
            <Group align="flex-end" gap="sm" wrap="wrap">
              <PasswordInput
                label="Consumer secret"
                description={`Of consumer key ${mapping.consumerKey}`}
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                required
                style={{ flex: '1 1 16rem' }}
              />
              <Button type="submit" loading={token.isPending} disabled={!secret}>
                Get test token
              </Button>
            </Group>
          </form>
        )
      ) : (
        <Group>
          <Button onClick={() => apiKey.mutate()} loading={apiKey.isPending}>
            Generate API key
          </Button>
        </Group>
      )}
      <PasswordInput
        label={
          credential.kind === 'bearer' ? 'Access token sent by "Try it out"' : 'API key sent by "Try it out"'
        }
        description="Generated above, or paste your own"
        value={credential.value}
        onChange={(e) => onCredential({ ...credential, value: e.currentTarget.value })}
      />
    </Stack>
  );
}

export function DefinitionTab({ api: a }: { api: ApiDetail }) {
  const swagger = useSwagger(a.id);
  const { state, session } = useAuth();
  const location = useLocation();
  const [credential, setCredential] = useState<TryItCredential>({ kind: 'bearer', value: '' });
  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          Try it
        </Title>
        {state.status === 'signed-in' ? (
          <TryItPanel api={a} credential={credential} onCredential={setCredential} />
        ) : (
          <Group justify="space-between">
            <Text>Sign in to try this API with your application's keys.</Text>
            <Button variant="light" onClick={() => session.signIn(location.pathname)}>
              Sign in
            </Button>
          </Group>
        )}
      </Paper>
      {a.lifeCycleStatus === 'PROTOTYPED' && (
        <Alert color="blue">A prototype: it can be called without a subscription.</Alert>
      )}
      <QueryState query={swagger} label="Loading the API definition">
        {(spec) => (
          <Suspense fallback={<Loading label="Loading Swagger UI" />}>
            <SwaggerView spec={spec} credential={credential.value ? credential : null} />
          </Suspense>
        )}
      </QueryState>
    </Stack>
  );
}
