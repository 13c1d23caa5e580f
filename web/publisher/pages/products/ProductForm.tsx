// The fields a product is created with, checked as the Publisher checks them.
import { MultiSelect, Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { tierData, useSubscriptionTiers } from '../../api/tiers';
import type { ProductApiSelection } from '../../api/products';
import { checkApiName, checkContext, checkVersion } from '../../api/rules';

export interface ProductFormValues {
  name: string;
  context: string;
  version: string;
  description: string;
  policies: string[];
  visibility: string;
  apis: ProductApiSelection[];
}

export const productRules = {
  name: checkApiName,
  context: checkContext,
  version: checkVersion,
  apis: (apis: ProductApiSelection[]) =>
    apis.some((a) => a.operations.length > 0) ? null : "'apis': choose at least one operation",
};

/** Server fields to form fields, for the server's refusals. */
export const productFields = {
  name: 'name',
  context: 'context',
  version: 'version',
  description: 'description',
  policies: 'policies',
  visibility: 'visibility',
  apis: 'apis',
};

export function ProductFields({
  form,
  fixed,
}: {
  form: UseFormReturnType<ProductFormValues>;
  fixed?: boolean;
}) {
  const tiers = useSubscriptionTiers();
  const data = tierData(tiers.data?.list);
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label="Name" withAsterisk disabled={fixed} {...form.getInputProps('name')} />
        <TextInput
          label="Context"
          withAsterisk
          disabled={fixed}
          placeholder="/shop"
          {...form.getInputProps('context')}
        />
        <TextInput label="Version" withAsterisk disabled={fixed} {...form.getInputProps('version')} />
      </SimpleGrid>
      <Textarea label="Description" autosize minRows={2} maxRows={6} {...form.getInputProps('description')} />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <MultiSelect
          label="Subscription tiers"
          description="Needed to publish the product"
          data={data.length ? data : form.values.policies}
          error={tiers.isError ? tiers.error.message : undefined}
          {...form.getInputProps('policies')}
        />
        <Select
          label="Visibility on the Developer Portal"
          allowDeselect={false}
          data={[
            { value: 'PUBLIC', label: 'Public' },
            { value: 'PRIVATE', label: 'Private' },
          ]}
          {...form.getInputProps('visibility')}
        />
      </SimpleGrid>
    </>
  );
}
