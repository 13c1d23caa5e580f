// An API from a catalogued service: the service's operations and URL, with the name, context, version and tiers given here.
import { MultiSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { FormActions } from '@shared/components/FormActions';
import { reportFormError } from '@shared/components/forms';
import { catalogApi, type CatalogService } from '../../api/catalog';
import { checkApiName, checkContext, checkVersion } from '../../api/rules';
import { tierData, useSubscriptionTiers } from '../../api/tiers';

interface Values {
  name: string;
  context: string;
  version: string;
  policies: string[];
}

export function CreateApiForm({
  service,
  onCreated,
  onCancel,
}: {
  service: CatalogService;
  onCreated: (id: string) => void;
  onCancel: () => void;
}) {
  const tiers = useSubscriptionTiers();
  const base = service.name.replace(/[^A-Za-z0-9_-]/g, '');
  const form = useForm<Values>({
    initialValues: {
      name: base,
      context: `/${base.toLowerCase()}`,
      version: '1.0.0',
      policies: ['Unlimited'],
    },
    validate: {
      name: checkApiName,
      context: checkContext,
      version: checkVersion,
      policies: (p) => (p.length ? null : 'Choose at least one tier so developers can subscribe'),
    },
  });
  const create = useMutation({
    mutationFn: (v: Values) =>
      catalogApi.createApi(service.key, {
        name: v.name.trim(),
        context: v.context.trim(),
        version: v.version.trim(),
        policies: v.policies,
      }),
    onSuccess: (created) => onCreated(created.id),
    onError: (e) => reportFormError(form, e, ['name', 'context', 'version', 'policies']),
  });
  return (
    <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="API name" withAsterisk {...form.getInputProps('name')} />
          <TextInput label="Context" withAsterisk {...form.getInputProps('context')} />
          <TextInput label="Version" withAsterisk {...form.getInputProps('version')} />
          <MultiSelect
            label="Subscription tiers"
            data={tierData(tiers.data?.list).length ? tierData(tiers.data?.list) : form.values.policies}
            error={tiers.isError ? tiers.error.message : undefined}
            {...form.getInputProps('policies')}
          />
        </SimpleGrid>
        <FormActions submitLabel="Create API" pending={create.isPending} onCancel={onCancel} />
      </Stack>
    </form>
  );
}
