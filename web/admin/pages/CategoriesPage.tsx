// API categories: developers browse the Developer Portal by them; publishers put APIs in them.
import { Button, Group, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { keys, paths, useList } from '../api/admin';
import type { ApiCategory } from '../api/types';
import { ConfirmDelete, FormModal, RowActions, useDialog } from '../components/dialogs';
import { CreateButton, ListTable, PageHeader } from '../components/ListLayout';
import { usePagedSearch } from '../components/paging';
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {editing ? 'Save' : 'Create'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CategoriesPage() {
  const query = useList<ApiCategory>(keys.categories, paths.categories);
  const client = useQueryClient();
  const dialog = useDialog<ApiCategory>();
  const paged = usePagedSearch(query.data?.list, (c) => `${c.name} ${c.description}`);
  const { state } = dialog;
  return (
    <Stack>
      <PageHeader
        title="API categories"
        description="Groups of APIs that developers browse by in the Developer Portal. A category an API is in cannot be deleted."
        action={<CreateButton label="Create category" onClick={dialog.create} />}
      />
      <QueryState query={query} label="Loading categories">
        {() => (
          <ListTable
            paged={paged}
            searchLabel="Search categories"
            empty="No categories yet."
            minWidth={480}
            head={
              <>
                <Table.Th>Name</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>APIs</Table.Th>
                <Table.Th>
                  <Text size="sm" fw={700} ta="right">
                    Actions
                  </Text>
                </Table.Th>
              </>
            }
          >
            {paged.items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td fw={500}>{c.name}</Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {c.description}
                  </Text>
                </Table.Td>
                <Table.Td>{c.numberOfAPIs ?? 0}</Table.Td>
                <Table.Td>
                  <RowActions
                    name={`category ${c.name}`}
                    onEdit={() => dialog.edit(c)}
                    onDelete={() => dialog.remove(c)}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      <FormModal
        opened={state.mode === 'create' || state.mode === 'edit'}
        onClose={dialog.close}
        title={state.mode === 'edit' ? `Edit category ${state.item.name}` : 'Create category'}
      >
        {(state.mode === 'create' || state.mode === 'edit') && (
          <CategoryForm category={state.mode === 'edit' ? state.item : undefined} onDone={dialog.close} />
        )}
      </FormModal>
      {state.mode === 'delete' && (
        <ConfirmDelete
          opened
          what={`category ${state.item.name}`}
          consequence={
            (state.item.numberOfAPIs ?? 0) > 0
              ? `${state.item.numberOfAPIs} API(s) are in it: the server will refuse until they leave it.`
              : undefined
          }
          onClose={dialog.close}
          onDelete={async () => {
            await api(`${paths.categories}/${state.item.id}`, { method: 'DELETE' });
            await client.invalidateQueries({ queryKey: keys.categories });
          }}
        />
      )}
    </Stack>
  );
}
