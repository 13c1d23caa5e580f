// The page of one Admin API collection: a title with a create button, the searchable table with
// each row's actions, the create (and edit) form in a modal, and the confirmation before a delete.
import type { Key, ReactNode } from 'react';
import { Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';
import { useList } from '../api/admin';
import { ConfirmDelete, FormModal, useDialog } from './dialogs';
import { CreateButton, ListTable, PageHeader } from './ListLayout';
import { usePagedSearch } from './paging';

/** What a row's action buttons open: its edit form, or the confirmation of its delete. */
export interface RowDialogs {
  edit: () => void;
  remove: () => void;
}

export function CollectionPage<T>({
  collection,
  itemPath,
  title,
  description,
  createLabel,
  loadingLabel,
  searchLabel,
  searchText,
  empty,
  minWidth,
  head,
  rowKey,
  cells,
  actions,
  form,
  editTitle,
  formSize,
  deleteWhat,
  deleteConsequence,
  children,
}: {
  /** The collection's cache key and REST path (answering `{count, list}`). */
  collection: { key: readonly string[]; path: string };
  /** Where an item is deleted. */
  itemPath: (item: T) => string;
  title: string;
  description: ReactNode;
  /** The create button's label, also the create form's title. */
  createLabel: string;
  loadingLabel: string;
  searchLabel: string;
  /** The text of an item the search looks in. */
  searchText: (item: T) => string;
  /** What the table says when the collection is empty. */
  empty: string;
  minWidth?: number;
  /** The header cells; the Actions header follows them. */
  head: ReactNode;
  rowKey: (item: T) => Key | undefined;
  /** A row's cells; its actions cell follows them. */
  cells: (item: T) => ReactNode;
  actions: (item: T, open: RowDialogs) => ReactNode;
  /** The create form (no item) or an item's edit form; `close` closes the modal. */
  form: (item: T | undefined, close: () => void) => ReactNode;
  /** The edit form's title; pages whose rows open no edit form leave it out. */
  editTitle?: (item: T) => string;
  formSize?: string;
  /** The thing the delete confirmation names, e.g. `category Travel`. */
  deleteWhat: (item: T) => string;
  deleteConsequence?: (item: T) => ReactNode;
  /** The page's other dialogs. */
  children?: ReactNode;
}) {
  const query = useList<T>(collection.key, collection.path);
  const client = useQueryClient();
  const dialog = useDialog<T>();
  const paged = usePagedSearch(query.data?.list, searchText);
  const { state } = dialog;
  const formOpen = state.mode === 'create' || state.mode === 'edit';
  return (
    <Stack>
      <PageHeader
        title={title}
        description={description}
        action={<CreateButton label={createLabel} onClick={dialog.create} />}
      />
      <QueryState query={query} label={loadingLabel}>
        {() => (
          <ListTable
            paged={paged}
            searchLabel={searchLabel}
            empty={empty}
            minWidth={minWidth}
            head={
              <>
                {head}
                <Table.Th>
                  <Text size="sm" fw={700} ta="right">
                    Actions
                  </Text>
                </Table.Th>
              </>
            }
          >
            {paged.items.map((item) => (
              <Table.Tr key={rowKey(item)}>
                {cells(item)}
                <Table.Td>
                  {actions(item, { edit: () => dialog.edit(item), remove: () => dialog.remove(item) })}
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      <FormModal
        opened={formOpen}
        onClose={dialog.close}
        title={state.mode === 'edit' && editTitle ? editTitle(state.item) : createLabel}
        size={formSize}
      >
        {formOpen && form(state.mode === 'edit' ? state.item : undefined, dialog.close)}
      </FormModal>
      {children}
      {state.mode === 'delete' && (
        <ConfirmDelete
          opened
          what={deleteWhat(state.item)}
          consequence={deleteConsequence?.(state.item)}
          onClose={dialog.close}
          onDelete={async () => {
            await api(itemPath(state.item), { method: 'DELETE' });
            await client.invalidateQueries({ queryKey: collection.key });
          }}
        />
      )}
    </Stack>
  );
}
