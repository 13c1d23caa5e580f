// Platform gateways: remote gateways registered with a token of their own, which they present to
// the control plane's gateway feed as their cluster.gateway_token. The token is shown once.
import { useState } from 'react';
import {
  Badge,
  Button,
  Code,
  SegmentedControl,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { IconRefresh } from '@tabler/icons-react';
import { api } from '@shared/api/client';
import { CopyField } from '@shared/components/CopyField';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { ShownOnce } from '@shared/components/ShownOnce';
import { keys, paths } from '../api/admin';
import type { PlatformGateway, RegisteredGateway } from '../api/types';
import { CollectionPage } from '../components/CollectionPage';
import { ConfirmDelete, RowActions } from '../components/dialogs';
import { reportAdminError } from '../components/serverErrors';

interface GatewayValues {
  name: string;
  displayName: string;
  description: string;
  vhost: string;
  permissionType: 'PUBLIC' | 'ALLOW' | 'DENY';
  roles: string[];
}

/** The server's rules for a registration, checked before sending. */
export function validateGateway(v: GatewayValues): Record<string, string> {
  const e: Record<string, string> = {};
  if (!/^[a-z0-9-]{3,64}$/.test(v.name)) e.name = "3 to 64 lower-case letters, digits and '-'";
  const display = v.displayName.trim();
  if (!display) e.displayName = 'Enter a display name';
  else if (display.length > 128) e.displayName = 'At most 128 characters';
  if (v.description.length > 1023) e.description = 'At most 1023 characters';
  if (!/^https?:\/\/[^\s/]+/i.test(v.vhost.trim()))
    e.vhost = "The gateway's http(s) URL, e.g. https://gw1.example.com:8243";
  if (v.permissionType !== 'PUBLIC' && v.roles.length === 0) e.roles = 'Name at least one role';
  return e;
}

const FIELDS = ['name', 'displayName', 'description', 'vhost', 'permissions'];

export function RegisterGatewayForm({
  onRegistered,
  onCancel,
}: {
  onRegistered: (g: RegisteredGateway) => void;
  onCancel: () => void;
}) {
  const client = useQueryClient();
  const form = useForm<GatewayValues>({
    mode: 'controlled',
    initialValues: {
      name: '',
      displayName: '',
      description: '',
      vhost: '',
      permissionType: 'PUBLIC',
      roles: [],
    },
    validate: validateGateway,
  });
  const save = useMutation({
    mutationFn: (v: GatewayValues) =>
      api<RegisteredGateway>(paths.gateways, {
        method: 'POST',
        body: {
          name: v.name,
          displayName: v.displayName.trim(),
          description: v.description,
          vhost: v.vhost.trim(),
          permissions: {
            permissionType: v.permissionType,
            roles: v.permissionType === 'PUBLIC' ? [] : v.roles,
          },
        },
      }),
    onSuccess: (g) => {
      void client.invalidateQueries({ queryKey: keys.gateways });
      onRegistered(g);
    },
    onError: (error) =>
      reportAdminError(form, error, {
        fields: FIELDS,
        conflictField: 'name',
        toFormPath: (f) => (f.startsWith('permissions.roles') ? 'roles' : f),
      }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput
          label="Name"
          withAsterisk
          description="Unique; 3 to 64 lower-case letters, digits and '-'; cannot change later"
          {...form.getInputProps('name')}
        />
        <TextInput label="Display name" withAsterisk {...form.getInputProps('displayName')} />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={5}
          {...form.getInputProps('description')}
        />
        <TextInput
          label="Gateway URL"
          withAsterisk
          placeholder="https://gw1.example.com:8243"
          description="Where the gateway answers API calls (its virtual host); cannot change later"
          {...form.getInputProps('vhost')}
        />
        <div>
          <Text size="sm" fw={500} id="gateway-permission-label">
            Visible to
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="gateway-permission-label"
            data={[
              { value: 'PUBLIC', label: 'Everyone' },
              { value: 'ALLOW', label: 'Only these roles' },
              { value: 'DENY', label: 'All but these roles' },
            ]}
            {...form.getInputProps('permissionType')}
          />
        </div>
        {form.values.permissionType !== 'PUBLIC' && (
          <TagsInput
            label="Roles"
            withAsterisk
            description="Press Enter after each role"
            data={['admin', 'creator', 'publisher', 'subscriber']}
            {...form.getInputProps('roles')}
          />
        )}
        <FormActions submitLabel="Register" pending={save.isPending} onCancel={onCancel} />
      </Stack>
    </form>
  );
}

/** The registration token of a gateway, shown this once, and how to start the gateway with it. */
function TokenDialog({ gateway, onClose }: { gateway: RegisteredGateway; onClose: () => void }) {
  return (
    <ShownOnce
      opened
      title={`Registration token of ${gateway.displayName || gateway.name}`}
      onClose={onClose}
    >
      <CopyField label="Registration token" value={gateway.registrationToken} />
      <Text size="sm">
        Start the gateway with it as its <Code>cluster.gateway_token</Code>:
      </Text>
      <CopyField
        label="Start command"
        block
        value={`ARCHWAY_CLUSTER_GATEWAY_TOKEN=${gateway.registrationToken} archway gateway --control-plane ${window.location.origin}`}
      />
      <Text size="xs" c="dimmed">
        Lost it? Regenerate the token: the old one stops working at once.
      </Text>
    </ShownOnce>
  );
}

function permissionsText(g: PlatformGateway) {
  const p = g.permissions;
  if (!p || p.permissionType === 'PUBLIC' || !p.roles?.length) return 'Everyone';
  return `${p.permissionType === 'DENY' ? 'All but' : 'Only'} ${p.roles.join(', ')}`;
}

export function GatewaysPage() {
  const client = useQueryClient();
  const [token, setToken] = useState<RegisteredGateway | null>(null);
  const [regenerate, setRegenerate] = useState<PlatformGateway | null>(null);
  return (
    <CollectionPage<PlatformGateway>
      collection={{ key: keys.gateways, path: paths.gateways }}
      itemPath={(g) => paths.gateway(g.id)}
      title="Gateways"
      description="Remote gateways registered with a token of their own: a gateway started with its token as cluster.gateway_token pulls its configuration from this control plane. Deleting a gateway or regenerating its token shuts the old token out at once."
      createLabel="Register gateway"
      loadingLabel="Loading gateways"
      searchLabel="Search gateways"
      searchText={(g) => `${g.name} ${g.displayName ?? ''} ${g.description ?? ''} ${g.vhost ?? ''}`}
      empty="No gateways registered yet."
      head={
        <>
          <Table.Th>Name</Table.Th>
          <Table.Th>URL</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Visible to</Table.Th>
          <Table.Th>Registered</Table.Th>
        </>
      }
      rowKey={(g) => g.id}
      cells={(g) => (
        <>
          <Table.Td>
            <Text size="sm" fw={500}>
              {g.displayName && g.displayName !== g.name ? `${g.displayName} (${g.name})` : g.name}
            </Text>
            {g.description && (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {g.description}
              </Text>
            )}
          </Table.Td>
          <Table.Td style={{ wordBreak: 'break-all' }}>{g.vhost ?? '—'}</Table.Td>
          <Table.Td>
            <Badge variant="dot" color={g.isActive ? 'teal' : 'gray'}>
              {g.isActive ? 'Active' : 'Not seen'}
            </Badge>
          </Table.Td>
          <Table.Td>{permissionsText(g)}</Table.Td>
          <Table.Td>{g.createdAt ? dayjs(g.createdAt).format('YYYY-MM-DD HH:mm') : '—'}</Table.Td>
        </>
      )}
      actions={(g, open) => (
        <RowActions name={`gateway ${g.name}`} onDelete={open.remove}>
          <Button
            size="compact-xs"
            variant="subtle"
            leftSection={<IconRefresh size={14} />}
            aria-label={`Regenerate the token of gateway ${g.name}`}
            onClick={() => setRegenerate(g)}
          >
            Token
          </Button>
        </RowActions>
      )}
      form={(_, close) => (
        <RegisterGatewayForm
          onCancel={close}
          onRegistered={(g) => {
            close();
            notifySuccess(`Registered gateway ${g.name}`);
            setToken(g);
          }}
        />
      )}
      deleteWhat={(g) => `gateway ${g.name}`}
      deleteConsequence={() =>
        'Its registration token stops working at once; the gateway can no longer pull its configuration.'
      }
    >
      {token && <TokenDialog gateway={token} onClose={() => setToken(null)} />}
      {regenerate && (
        <ConfirmDelete
          opened
          actionLabel="Regenerate"
          what={`the token of gateway ${regenerate.name}`}
          done={`Regenerated the token of gateway ${regenerate.name}`}
          consequence="The gateway's current token stops working at once: restart it with the new one."
          onClose={() => setRegenerate(null)}
          onDelete={async () => {
            const g = await api<RegisteredGateway>(`${paths.gateway(regenerate.id)}/regenerate-token`, {
              method: 'POST',
            });
            await client.invalidateQueries({ queryKey: keys.gateways });
            setToken(g);
          }}
        />
      )}
    </CollectionPage>
  );
}
