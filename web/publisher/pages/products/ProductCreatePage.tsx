// Creating an API product from operations of several APIs.
import { Link, useNavigate } from 'react-router';
import { Anchor, Breadcrumbs, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess, reportFormError } from '@shared/components/forms';
import { productsApi, selectionBody } from '../../api/products';
import { OperationPicker } from './OperationPicker';
import { ProductFields, productFields, productRules, type ProductFormValues } from './ProductForm';

export function ProductCreatePage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const form = useForm<ProductFormValues>({
    initialValues: {
      name: '',
      context: '',
      version: '1.0.0',
      description: '',
      policies: ['Unlimited'],
      visibility: 'PUBLIC',
      apis: [],
    },
    validate: productRules,
  });
  const create = useMutation({
    mutationFn: (v: ProductFormValues) =>
      productsApi.create({
        name: v.name.trim(),
        context: v.context.trim(),
        version: v.version.trim(),
        ...(v.description ? { description: v.description } : {}),
        policies: v.policies,
        visibility: v.visibility,
        apis: selectionBody(v.apis),
      }),
    onSuccess: (p) => {
      notifySuccess(`API product '${p.name}' created`);
      void client.invalidateQueries({ queryKey: ['publisher', 'api-products'] });
      navigate(`/api-products/${p.id}`);
    },
    onError: (e) => reportFormError(form, e, productFields),
  });
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/api-products">
          API products
        </Anchor>
        <span>Create</span>
      </Breadcrumbs>
      <Title order={2}>Create an API product</Title>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack>
          <ProductFields form={form} />
          <OperationPicker
            value={form.values.apis}
            onChange={(apis) => form.setFieldValue('apis', apis)}
            error={form.errors.apis}
          />
          <FormActions submitLabel="Create API product" pending={create.isPending} cancelTo="/api-products" />
        </Stack>
      </form>
    </Stack>
  );
}
