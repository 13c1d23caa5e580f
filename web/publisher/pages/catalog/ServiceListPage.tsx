// The Service Catalog: registered backend services, searched by name, a page at a time.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Badge, Button, Modal, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { notifySuccess } from '@shared/components/forms';
import { catalogApi } from '../../api/catalog';
import { ListHeader } from '../../components/PageHeader';
import { PagedTable, useServerPaging } from '../../components/PagedTable';
import { ServiceForm } from './ServiceForm';

export function ServiceListPage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const small = useMediaQuery('(max-width: 48em)');
  const [registering, setRegistering] = useState(false);
  const paging = useServerPaging(['catalog', 'services'], (name, window, signal) =>
    catalogApi.list({ name, ...window }, signal),
  );
  const name = paging.searched;

  return (
    <Stack>
      <ListHeader
        title="Service Catalog"
        description="Backend services and their definitions, ready to become APIs."
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setRegistering(true)}>
            Register service
          </Button>
        }
      />
      <PagedTable
        paging={paging}
        searchLabel="Search by name"
        searchPlaceholder="Service name"
        loadingLabel="Loading the services"
        empty={
          name
            ? `No service name contains '${name}'.`
            : 'No services yet. Register one to create APIs from it.'
        }
        minWidth={640}
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Definition</Table.Th>
            <Table.Th>Service URL</Table.Th>
            <Table.Th>Updated</Table.Th>
          </>
        }
        row={(s) => (
          <Table.Tr key={s.id}>
            <Table.Td>
              <Anchor component={Link} to={`/service-catalog/${s.id}`}>
                {s.displayName || s.name}
              </Anchor>
              {s.displayName && s.displayName !== s.name && (
                <Text size="xs" c="dimmed">
                  {s.name}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{s.version}</Table.Td>
            <Table.Td>
              <Badge variant="light">{s.definitionType}</Badge>
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>{s.serviceUrl}</Table.Td>
            <Table.Td>{s.lastUpdatedTime ? dayjs(s.lastUpdatedTime).format('YYYY-MM-DD') : ''}</Table.Td>
          </Table.Tr>
        )}
      />
      <Modal
        opened={registering}
        onClose={() => setRegistering(false)}
        title="Register a service"
        size="xl"
        fullScreen={small}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <ServiceForm
          onCancel={() => setRegistering(false)}
          onSaved={(s) => {
            notifySuccess(`Service '${s.name}' registered`);
            void client.invalidateQueries({ queryKey: ['catalog', 'services'] });
            navigate(`/service-catalog/${s.id}`);
          }}
        />
      </Modal>
    </Stack>
  );
}
