// Key managers: the resident one (this server) and the external identity providers whose tokens
// the gateway accepts.
import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '@shared/api/client';
import { keys, paths } from '../api/admin';
import type { AdminSettings, KeyManager } from '../api/types';
import { CollectionPage } from '../components/CollectionPage';
import { RowActions } from '../components/dialogs';
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
  const types = useKeyManagerTypes();
  return (
    <CollectionPage<KeyManager>
      collection={{ key: keys.keyManagers, path: paths.keyManagers }}
      itemPath={(k) => `${paths.keyManagers}/${k.id}`}
      title="Key managers"
      description="The Resident Key Manager is this server. Register an external identity provider to let the gateway accept the JWTs it issues, verified with its JWKS."
      createLabel="Register key manager"
      loadingLabel="Loading key managers"
      searchLabel="Search key managers"
      searchText={(k) => `${k.name} ${k.displayName} ${k.type} ${k.issuer}`}
      empty="No key managers."
      head={
        <>
          <Table.Th>Name</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Issuer</Table.Th>
          <Table.Th>Status</Table.Th>
        </>
      }
      rowKey={(k) => k.id ?? k.name}
      cells={(k) => (
        <>
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
        </>
      )}
      actions={(k, open) =>
        k.id === 'resident' ? (
          <Text size="xs" c="dimmed" ta="right">
            built in
          </Text>
        ) : (
          <RowActions name={`key manager ${k.name}`} onEdit={open.edit} onDelete={open.remove} />
        )
      }
      editTitle={(k) => `Edit key manager ${k.name}`}
      form={(k, close) => <KeyManagerForm keyManager={k} types={types} onDone={close} />}
      deleteWhat={(k) => `key manager ${k.name}`}
      deleteConsequence={() =>
        "The gateway stops accepting its tokens, and applications' keys mapped from it stop working."
      }
    />
  );
}
