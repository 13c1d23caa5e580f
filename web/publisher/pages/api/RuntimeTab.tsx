// How the gateway runs the API: who may call (security schemes, authorization header), CORS,
// schema validation, response caching, backend JWT and backend rate limits.
import {
  Checkbox,
  Fieldset,
  Group,
  MultiSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifySuccess } from '@shared/components/forms';
import type { ApiDetail } from '../../api/types';
import { reportApiError } from '../../components/apiRules';
import { SaveBar } from '../../components/SaveBar';
import { useSaveApi } from './queries';
import { VERBS } from './ResourcesTab';

interface Values {
  securityScheme: string[];
  authorizationHeader: string;
  corsEnabled: boolean;
  origins: string[];
  methods: string[];
  headers: string[];
  credentials: boolean;
  enableSchemaValidation: boolean;
  enableResponseSchemaValidation: boolean;
  responseCachingEnabled: boolean;
  cacheTimeout: number | string;
  enableBackendJWT: boolean;
  maxTpsProduction: number | string;
  maxTpsSandbox: number | string;
}

const ORIGIN = /^(\*|https?:\/\/[^/\s:]+(:\d+)?)$/;

export function RuntimeTab({ api }: { api: ApiDetail }) {
  const save = useSaveApi(api);
  const cors = api.corsConfiguration;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      securityScheme: api.securityScheme ?? ['oauth2'],
      authorizationHeader: api.authorizationHeader ?? '',
      corsEnabled: cors?.corsConfigurationEnabled ?? false,
      origins: cors?.accessControlAllowOrigins ?? ['*'],
      methods: cors?.accessControlAllowMethods ?? ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
      headers: cors?.accessControlAllowHeaders ?? [
        'authorization',
        'Access-Control-Allow-Origin',
        'Content-Type',
        'SOAPAction',
        'apikey',
      ],
      credentials: cors?.accessControlAllowCredentials ?? false,
      enableSchemaValidation: api.enableSchemaValidation ?? false,
      enableResponseSchemaValidation: api.enableResponseSchemaValidation ?? false,
      responseCachingEnabled: api.responseCachingEnabled ?? false,
      cacheTimeout: api.cacheTimeout ?? 300,
      enableBackendJWT: api.enableBackendJWT ?? false,
      maxTpsProduction: api.maxTps?.production ?? '',
      maxTpsSandbox: api.maxTps?.sandbox ?? '',
    },
    validate: {
      securityScheme: (v) => (v.length === 0 ? 'Choose at least one way to call the API' : null),
      origins: (v, all) =>
        all.corsEnabled
          ? v.find((o) => !ORIGIN.test(o))
            ? `'${v.find((o) => !ORIGIN.test(o))}' is not * or scheme://host[:port]`
            : null
          : null,
      cacheTimeout: (v, all) =>
        all.responseCachingEnabled &&
        !(Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 31536000)
          ? 'Between 1 and 31536000 seconds'
          : null,
      maxTpsProduction: (v) =>
        v !== '' && !(Number.isInteger(Number(v)) && Number(v) >= 0) ? 'A whole number, 0 or more' : null,
      maxTpsSandbox: (v) =>
        v !== '' && !(Number.isInteger(Number(v)) && Number(v) >= 0) ? 'A whole number, 0 or more' : null,
    },
  });
  const v = form.getValues();

  const submit = form.onSubmit((x) =>
    save.mutate(
      {
        securityScheme: x.securityScheme,
        authorizationHeader: x.authorizationHeader.trim() || undefined,
        corsConfiguration: {
          corsConfigurationEnabled: x.corsEnabled,
          accessControlAllowOrigins: x.origins,
          accessControlAllowMethods: x.methods,
          accessControlAllowHeaders: x.headers,
          accessControlAllowCredentials: x.credentials,
        },
        enableSchemaValidation: x.enableSchemaValidation,
        enableResponseSchemaValidation: x.enableResponseSchemaValidation,
        responseCachingEnabled: x.responseCachingEnabled,
        cacheTimeout: Number(x.cacheTimeout) || 300,
        enableBackendJWT: x.enableBackendJWT,
        maxTps:
          x.maxTpsProduction === '' && x.maxTpsSandbox === ''
            ? null
            : {
                production: x.maxTpsProduction === '' ? null : Number(x.maxTpsProduction),
                sandbox: x.maxTpsSandbox === '' ? null : Number(x.maxTpsSandbox),
              },
      },
      {
        onSuccess: () => notifySuccess('Runtime settings saved'),
        onError: (e) =>
          reportApiError(form, e, {
            securityScheme: 'securityScheme',
            authorizationHeader: 'authorizationHeader',
            'corsConfiguration.accessControlAllowOrigins': 'origins',
            'corsConfiguration.accessControlAllowMethods': 'methods',
            'corsConfiguration.accessControlAllowHeaders': 'headers',
            enableSchemaValidation: 'enableSchemaValidation',
            enableResponseSchemaValidation: 'enableResponseSchemaValidation',
            cacheTimeout: 'cacheTimeout',
            'maxTps.production': 'maxTpsProduction',
            'maxTps.sandbox': 'maxTpsSandbox',
          }),
      },
    ),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={900}>
        <Fieldset legend="Access">
          <Stack>
            <Checkbox.Group
              label="Callers authenticate with"
              key={form.key('securityScheme')}
              {...form.getInputProps('securityScheme')}
            >
              <Group mt="xs">
                <Checkbox value="oauth2" label="OAuth 2.0 tokens" />
                <Checkbox value="api_key" label="API keys" />
                <Checkbox value="basic_auth" label="Users' HTTP Basic credentials" />
              </Group>
            </Checkbox.Group>
            <TextInput
              label="Authorization header"
              description="The header carrying the token; empty: Authorization"
              placeholder="Authorization"
              key={form.key('authorizationHeader')}
              {...form.getInputProps('authorizationHeader')}
            />
          </Stack>
        </Fieldset>
        <Fieldset legend="CORS">
          <Stack>
            <Switch
              label="Answer cross-origin requests (CORS)"
              key={form.key('corsEnabled')}
              {...form.getInputProps('corsEnabled', { type: 'checkbox' })}
            />
            {v.corsEnabled && (
              <>
                <TagsInput
                  label="Allowed origins"
                  description="* or scheme://host[:port], Enter after each"
                  key={form.key('origins')}
                  {...form.getInputProps('origins')}
                />
                <MultiSelect
                  label="Allowed methods"
                  data={VERBS}
                  key={form.key('methods')}
                  {...form.getInputProps('methods')}
                />
                <TagsInput
                  label="Allowed headers"
                  key={form.key('headers')}
                  {...form.getInputProps('headers')}
                />
                <Switch
                  label="Allow credentials"
                  key={form.key('credentials')}
                  {...form.getInputProps('credentials', { type: 'checkbox' })}
                />
              </>
            )}
          </Stack>
        </Fieldset>
        <Fieldset legend="Validation and caching">
          <Stack>
            <Switch
              label="Validate requests against the OpenAPI definition"
              description="Requests that do not match get 400 naming the failing location"
              key={form.key('enableSchemaValidation')}
              {...form.getInputProps('enableSchemaValidation', { type: 'checkbox' })}
            />
            <Switch
              label="Validate JSON responses too"
              key={form.key('enableResponseSchemaValidation')}
              {...form.getInputProps('enableResponseSchemaValidation', { type: 'checkbox' })}
            />
            <Switch
              label="Cache responses"
              key={form.key('responseCachingEnabled')}
              {...form.getInputProps('responseCachingEnabled', { type: 'checkbox' })}
            />
            {v.responseCachingEnabled && (
              <NumberInput
                label="Cache timeout (seconds)"
                min={1}
                max={31536000}
                w={220}
                key={form.key('cacheTimeout')}
                {...form.getInputProps('cacheTimeout')}
              />
            )}
          </Stack>
        </Fieldset>
        <Fieldset legend="Backend">
          <Stack>
            <Switch
              label="Send the caller's claims to the backend (backend JWT)"
              description="As a signed X-JWT-Assertion header"
              key={form.key('enableBackendJWT')}
              {...form.getInputProps('enableBackendJWT', { type: 'checkbox' })}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput
                label="Production backend limit (requests/s)"
                placeholder="No limit"
                min={0}
                key={form.key('maxTpsProduction')}
                {...form.getInputProps('maxTpsProduction')}
              />
              <NumberInput
                label="Sandbox backend limit (requests/s)"
                placeholder="No limit"
                min={0}
                key={form.key('maxTpsSandbox')}
                {...form.getInputProps('maxTpsSandbox')}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
        <SaveBar dirty={form.isDirty()} pending={save.isPending} onDiscard={() => form.reset()} />
      </Stack>
    </form>
  );
}
