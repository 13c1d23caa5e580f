// API categories: developers browse the Developer Portal by them; publishers put APIs in them.
import { Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { keys, paths } from '../api/admin';
import type { ApiCategory } from '../api/types';
import { CollectionPage } from '../components/CollectionPage';
import { RowActions } from '../components/dialogs';
import { reportAdminError } from '../components/serverErrors';

export function validateCategory(v: { name: string; description: string }): Record<string, string> {
  const e: Record<string, string> = {};
  const name = v.name.trim();
  if (!name) e.name = 'Enter a name';
  else if (name.length > 255) e.name = 'At most 255 characters';
  // The server refuses control characters in a name.
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(name)) e.name = 'No control characters';
  if (v.description.length > 1024) e.description = 'At most 1024 characters';
  return e;
}

export function CategoryForm({ category, onDone }: { category?: ApiCategory; onDone: () => void }) {
  const client = useQueryClient();
  const editing = Boolean(category?.id);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: category?.name ?? '', description: category?.description ?? '' },
    validate: validateCategory,
  });
  const save = useMutation({
    mutationFn: (v: { name: string; description: string }) =>
      api<ApiCategory>(editing ? `${paths.categories}/${category!.id}` : paths.categories, {
        method: editing ? 'PUT' : 'POST',
        body: { name: v.name.trim(), description: v.description },
      }),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: keys.categories });
      notifySuccess(`${editing ? 'Saved' : 'Created'} category ${saved.name}`);
      onDone();
    },
    onError: (error) =>
      reportAdminError(form, error, { fields: ['name', 'description'], conflictField: 'name' }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput
          label="Name"
          withAsterisk
          description={editing ? 'Renaming moves the APIs in it along' : 'Unique regardless of case'}
          {...form.getInputProps('name')}
        />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={6}
          {...form.getInputProps('description')}
        />
        <FormActions submitLabel={editing ? 'Save' : 'Create'} pending={save.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}

export function CategoriesPage() {
  return (
    <CollectionPage<ApiCategory>
      collection={{ key: keys.categories, path: paths.categories }}
      itemPath={(c) => `${paths.categories}/${c.id}`}
      title="API categories"
      description="Groups of APIs that developers browse by in the Developer Portal. A category an API is in cannot be deleted."
      createLabel="Create category"
      loadingLabel="Loading categories"
      searchLabel="Search categories"
      searchText={(c) => `${c.name} ${c.description}`}
      empty="No categories yet."
      minWidth={480}
      head={
        <>
          <Table.Th>Name</Table.Th>
          <Table.Th>Description</Table.Th>
          <Table.Th>APIs</Table.Th>
        </>
      }
      rowKey={(c) => c.id}
      cells={(c) => (
        <>
          <Table.Td fw={500}>{c.name}</Table.Td>
          <Table.Td>
            <Text size="sm" lineClamp={2}>
              {c.description}
            </Text>
          </Table.Td>
          <Table.Td>{c.numberOfAPIs ?? 0}</Table.Td>
        </>
      )}
      actions={(c, open) => (
        <RowActions name={`category ${c.name}`} onEdit={open.edit} onDelete={open.remove} />
      )}
      editTitle={(c) => `Edit category ${c.name}`}
      form={(c, close) => <CategoryForm category={c} onDone={close} />}
      deleteWhat={(c) => `category ${c.name}`}
      deleteConsequence={(c) =>
        (c.numberOfAPIs ?? 0) > 0
          ? `${c.numberOfAPIs} API(s) are in it: the server will refuse until they leave it.`
          : undefined
      }
    />
  );
}
