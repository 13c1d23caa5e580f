// The fields every way of creating an API asks for: name, context, version, endpoint, tiers.
import { MultiSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import type { ApiDetail } from '../../api/types';
import { checkContext, checkEndpointUrl, checkName, checkVersion } from '../../components/apiRules';
import { tierOptions, useTiers } from '../api/queries';

export interface BasicsValues {
  name: string;
  context: string;
  version: string;
  endpoint: string;
  policies: string[];
}

/** Server field -> form field, for reportApiError. */
export const basicsFields: Record<string, string> = {
  name: 'name',
  context: 'context',
  version: 'version',
  endpointConfig: 'endpoint',
  policies: 'policies',
};

export function useBasicsForm(initial?: Partial<BasicsValues>, endpointRequired = false) {
  return useForm<BasicsValues>({
    mode: 'controlled',
    initialValues: {
      name: '',
      context: '',
      version: '1.0.0',
      endpoint: '',
      policies: ['Unlimited'],
      ...initial,
    },
    validate: {
      name: checkName,
      context: checkContext,
      version: checkVersion,
      endpoint: (v) => checkEndpointUrl(v, endpointRequired),
      policies: (v) => (v.length === 0 ? 'Offer at least one subscription tier' : null),
    },
  });
}

/** The API object these values describe (for POST /apis and additionalProperties). */
export function basicsBody(v: BasicsValues): Partial<ApiDetail> {
  const body: Partial<ApiDetail> = {
    name: v.name.trim(),
    context: v.context.trim(),
    version: v.version.trim(),
    policies: v.policies,
  };
  if (v.endpoint.trim())
    body.endpointConfig = {
      endpoint_type: 'http',
      production_endpoints: { url: v.endpoint.trim() },
      sandbox_endpoints: { url: v.endpoint.trim() },
    };
  return body;
}

function suggestContext(name: string) {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9\-_.~]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug ? `/${slug}` : '';
}

export function BasicsFields({
  form,
  endpointLabel = 'Endpoint URL',
}: {
  form: UseFormReturnType<BasicsValues>;
  endpointLabel?: string;
}) {
  const tiers = useTiers('subscription');
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Name"
          required
          maxLength={60}
          key={form.key('name')}
          {...form.getInputProps('name')}
          onChange={(e) => {
            const name = e.currentTarget.value;
            const { name: before, context } = form.getValues();
            form.setFieldValue('name', name);
            // Until a context of its own is typed in, the context follows the name.
            if (!context || context === suggestContext(before))
              form.setFieldValue('context', suggestContext(name));
          }}
        />
        <TextInput label="Version" required key={form.key('version')} {...form.getInputProps('version')} />
      </SimpleGrid>
      <TextInput
        label="Context"
        description="The path the gateway serves the API under, e.g. /pets (the version is appended)"
        required
        key={form.key('context')}
        {...form.getInputProps('context')}
      />
      <TextInput
        label={endpointLabel}
        description="The backend's base URL for production and sandbox; change them apart later in Endpoints"
        placeholder="http://backend:8080/v1"
        key={form.key('endpoint')}
        {...form.getInputProps('endpoint')}
      />
      <MultiSelect
        label="Subscription tiers"
        description="The rate limits developers choose from when they subscribe"
        data={tiers.data ? tierOptions(tiers.data.list) : form.getValues().policies}
        searchable
        key={form.key('policies')}
        {...form.getInputProps('policies')}
        error={
          form.errors.policies ??
          (tiers.isError ? `The tiers could not be loaded: ${tiers.error.message}` : undefined)
        }
      />
    </>
  );
}
