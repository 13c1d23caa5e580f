// Key managers: the resident one (this server) and the external identity providers whose tokens
// the gateway accepts.
import { Badge, Stack, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';
import { keys, paths, useList } from '../api/admin';
import type { AdminSettings, KeyManager } from '../api/types';
import { ConfirmDelete, FormModal, RowActions, useDialog } from '../components/dialogs';
import { CreateButton, ListTable, PageHeader } from '../components/ListLayout';
import { usePagedSearch } from '../components/paging';
import { KeyManagerForm } from './KeyManagerForm';

const FALLBACK_TYPES = [{ value: 'custom', label: 'JWT issuer (validated by its JWKS)' }];

/** The types the server can register (its settings), or the one it always takes. */
export function useKeyManagerTypes() {
  const settings = useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api<AdminSettings>(paths.settings, { signal }),
  });
  const list = settings.data?.keyManagerConfiguration
    ?.filter((c) => c.type !== 'default')
    .map((c) => ({ value: c.type, label: c.displayName || c.type }));
  return list && list.length ? list : FALLBACK_TYPES;
}

export function KeyManagersPage() {
  const query = useList<KeyManager>(keys.keyManagers, paths.keyManagers);
  const types = useKeyManagerTypes();
  const client = useQueryClient();
  const dialog = useDialog<KeyManager>();
  const paged = usePagedSearch(query.data?.list, (k) => `${k.name} ${k.displayName} ${k.type} ${k.issuer}`);
  const { state } = dialog;
  return (
    <Stack>
      <PageHeader
        title="Key managers"
        description="The Resident Key Manager is this server. Register an external identity provider to let the gateway accept the JWTs it issues, verified with its JWKS."
        action={<CreateButton label="Register key manager" onClick={dialog.create} />}
      />
      <QueryState query={query} label="Loading key managers">
        {() => (
          <ListTable
            paged={paged}
            searchLabel="Search key managers"
            empty="No key managers."
            head={
              <>
                <Table.Th>Name</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Issuer</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <Text size="sm" fw={700} ta="right">
                    Actions
                  </Text>
                </Table.Th>
              </>
            }
          >
            {paged.items.map((k) => (
              <Table.Tr key={k.id ?? k.name}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {k.displayName || k.name}
                  </Text>
                  {k.description && (
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {k.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{k.type}</Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Text size="sm">{k.issuer}</Text>
                  {k.id !== 'resident' && (
                    <Text size="xs" c="dimmed">
                      {k.jwksFetchedTime
                        ? `Keys fetched ${dayjs(k.jwksFetchedTime).format('YYYY-MM-DD HH:mm')}`
                        : 'Keys not fetched yet'}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="dot" color={k.enabled ? 'teal' : 'gray'}>
                    {k.enabled ? 'Enabled' : 'Disabled'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {k.id === 'resident' ? (
                    <Text size="xs" c="dimmed" ta="right">
                      built in
                    </Text>
                  ) : (
                    <RowActions
                      name={`key manager ${k.name}`}
                      onEdit={() => dialog.edit(k)}
                      onDelete={() => dialog.remove(k)}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      <FormModal
        opened={state.mode === 'create' || state.mode === 'edit'}
        onClose={dialog.close}
        title={state.mode === 'edit' ? `Edit key manager ${state.item.name}` : 'Register key manager'}
      >
        {(state.mode === 'create' || state.mode === 'edit') && (
          <KeyManagerForm
            keyManager={state.mode === 'edit' ? state.item : undefined}
            types={types}
            onDone={dialog.close}
          />
        )}
      </FormModal>
      {state.mode === 'delete' && (
        <ConfirmDelete
          opened
          what={`key manager ${state.item.name}`}
          consequence="The gateway stops accepting its tokens, and applications' keys mapped from it stop working."
          onClose={dialog.close}
          onDelete={async () => {
            await api(`${paths.keyManagers}/${state.item.id}`, { method: 'DELETE' });
            await client.invalidateQueries({ queryKey: keys.keyManagers });
          }}
        />
      )}
    </Stack>
  );
}
