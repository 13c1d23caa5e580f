// One API product: overview and settings, operations, documents, lifecycle, revisions and deployments.
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button, Group, Modal, Stack, Tabs, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PUBLISHER } from '@shared/api/client';
import { notifySuccess, reportFormError } from '@shared/components/forms';
import { ErrorNotice, QueryState } from '@shared/components/QueryState';
import { productsApi, type ApiProduct } from '../../api/products';
import { ConfirmDeleteButtons, DeleteButton } from '../../components/deleting';
import { ItemBreadcrumbs, ItemHeader } from '../../components/PageHeader';
import { DocumentsPanel } from '../api/documents/DocumentsPanel';
import { LifecyclePanel } from './LifecyclePanel';
import { OperationPicker } from './OperationPicker';
import { ProductFields, productFields, productRules, type ProductFormValues } from './ProductForm';
import { RevisionsPanel } from './RevisionsPanel';

const tabs = [
  { value: 'overview', label: 'Overview' },
  { value: 'operations', label: 'Operations' },
  { value: 'documents', label: 'Documents' },
  { value: 'lifecycle', label: 'Lifecycle' },
  { value: 'revisions', label: 'Revisions & deployments' },
];

function valuesOf(p: ApiProduct): ProductFormValues {
  return {
    name: p.name,
    context: p.context,
    version: p.version,
    description: p.description ?? '',
    policies: p.policies ?? [],
    visibility: p.visibility ?? 'PUBLIC',
    apis: p.apis.map((a) => ({
      apiId: a.apiId,
      name: a.name,
      version: a.version,
      operations: a.operations.map((o) => ({ target: o.target, verb: o.verb.toUpperCase() })),
    })),
  };
}

function useSave(product: ApiProduct) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: ProductFormValues) =>
      productsApi.update(product, {
        description: v.description,
        policies: v.policies,
        visibility: v.visibility,
        apis: v.apis,
      }),
    onSuccess: (saved) => {
      notifySuccess('API product saved. Create and deploy a revision to apply the changes on the gateway.');
      client.setQueryData(['publisher', 'api-product', product.id], saved);
      void client.invalidateQueries({ queryKey: ['publisher', 'api-products'] });
    },
  });
}

function Overview({ product }: { product: ApiProduct }) {
  const form = useForm<ProductFormValues>({ initialValues: valuesOf(product), validate: productRules });
  const save = useSave(product);
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        save.mutate(v, { onError: (e) => reportFormError(form, e, productFields) }),
      )}
      noValidate
    >
      <Stack>
        <ProductFields form={form} fixed />
        <Group justify="flex-end">
          <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
            Discard changes
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Operations({ product }: { product: ApiProduct }) {
  const form = useForm<ProductFormValues>({ initialValues: valuesOf(product), validate: productRules });
  const save = useSave(product);
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        save.mutate(v, { onError: (e) => reportFormError(form, e, productFields) }),
      )}
      noValidate
    >
      <Stack>
        <OperationPicker
          value={form.values.apis}
          onChange={(apis) => form.setFieldValue('apis', apis)}
          error={form.errors.apis}
        />
        <Group justify="flex-end">
          <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
            Discard changes
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save operations
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ProductDetailPage() {
  const { productId = '', '*': rest = '' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const tab = tabs.find((t) => t.value === rest.split('/')[0])?.value ?? 'overview';
  const query = useQuery({
    queryKey: ['publisher', 'api-product', productId],
    queryFn: ({ signal }) => productsApi.get(productId, signal),
  });
  const remove = useMutation({
    mutationFn: () => productsApi.remove(productId),
    onSuccess: () => {
      notifySuccess('API product deleted');
      void client.invalidateQueries({ queryKey: ['publisher', 'api-products'] });
      navigate('/api-products');
    },
  });
  return (
    <Stack>
      <ItemBreadcrumbs list="API products" to="/api-products" item={query.data?.name ?? productId} />
      <QueryState query={query} label="Loading the API product">
        {(p) => (
          <Stack>
            <ItemHeader
              title={p.name}
              badge={p.state ?? p.lifeCycleStatus}
              subtitle={
                <>
                  {p.context}/{p.version}
                  {p.provider ? ` · by ${p.provider}` : ''} ·{' '}
                  {p.apis.reduce((n, a) => n + a.operations.length, 0)} operations from {p.apis.length} APIs
                </>
              }
              actions={<DeleteButton onClick={() => setDeleting(true)} />}
            />
            <Tabs
              value={tab}
              onChange={(v) => navigate(`/api-products/${productId}/${v ?? 'overview'}`)}
              keepMounted={false}
            >
              <Tabs.List style={{ flexWrap: 'wrap' }}>
                {tabs.map((t) => (
                  <Tabs.Tab key={t.value} value={t.value}>
                    {t.label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              <Tabs.Panel value="overview" pt="md">
                <Overview key={p.lastUpdatedTime} product={p} />
              </Tabs.Panel>
              <Tabs.Panel value="operations" pt="md">
                <Operations key={p.lastUpdatedTime} product={p} />
              </Tabs.Panel>
              <Tabs.Panel value="documents" pt="md">
                <DocumentsPanel base={`${PUBLISHER}/api-products/${p.id}`} />
              </Tabs.Panel>
              <Tabs.Panel value="lifecycle" pt="md">
                <LifecyclePanel productId={p.id} />
              </Tabs.Panel>
              <Tabs.Panel value="revisions" pt="md">
                <RevisionsPanel productId={p.id} />
              </Tabs.Panel>
            </Tabs>
            <Modal
              opened={deleting}
              onClose={() => setDeleting(false)}
              title="Delete the API product?"
              closeButtonProps={{ 'aria-label': 'Close' }}
            >
              <Stack>
                <Text>
                  Delete <b>{p.name}</b> with its revisions, deployments and subscriptions? The APIs it
                  bundles stay.
                </Text>
                {remove.isError && <ErrorNotice error={remove.error} title="The product was not deleted" />}
                <ConfirmDeleteButtons
                  pending={remove.isPending}
                  onCancel={() => setDeleting(false)}
                  onDelete={() => remove.mutate()}
                />
              </Stack>
            </Modal>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
