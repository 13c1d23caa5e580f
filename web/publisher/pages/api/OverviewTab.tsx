// The API's basic information: what it is (read-only: name, version, context, type) and the fields
// that can change (description, tags, categories, visibility, default version).
import { useState } from 'react';
import { useNavigate } from 'react-router';
import {
  Button,
  Divider,
  Group,
  Modal,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api as call, PUBLISHER } from '@shared/api/client';
import { notifyError, notifySuccess } from '@shared/components/forms';
import { useAuth } from '@shared/auth/AuthContext';
import type { ApiDetail } from '../../api/types';
import { reportApiError } from '../../components/apiRules';
import { ConfirmDeleteButtons } from '../../components/deleting';
import { SaveBar } from '../../components/SaveBar';
import { keys, useCategories, useSaveApi } from './queries';

interface Values {
  description: string;
  tags: string[];
  categories: string[];
  visibility: string;
  isDefaultVersion: boolean;
}

function Fact({ label, value }: { label: string; value: string | undefined }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value || '—'}
      </Text>
    </div>
  );
}

function DeleteApi({ api }: { api: ApiDetail }) {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => call(`${PUBLISHER}/apis/${api.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      client.removeQueries({ queryKey: keys.api(api.id) });
      void client.invalidateQueries({ queryKey: keys.apis });
      notifySuccess(`API ${api.name} ${api.version} deleted`);
      navigate('/apis');
    },
    onError: (e) => notifyError(e, 'The API could not be deleted'),
  });
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>
        Delete API
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete ${api.name} ${api.version}?`}>
        <Stack>
          <Text size="sm">
            The API, its revisions, documents and deployments are removed; the gateway stops serving it.
          </Text>
          <ConfirmDeleteButtons
            pending={remove.isPending}
            onCancel={() => setOpen(false)}
            onDelete={() => remove.mutate()}
          />
        </Stack>
      </Modal>
    </>
  );
}

export function OverviewTab({ api }: { api: ApiDetail }) {
  const categories = useCategories();
  const save = useSaveApi(api);
  const { hasScope } = useAuth();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      description: api.description ?? '',
      tags: api.tags ?? [],
      categories: api.categories ?? [],
      visibility: api.visibility ?? 'PUBLIC',
      isDefaultVersion: api.isDefaultVersion ?? false,
    },
    validate: {
      tags: (v) => (v.some((t) => t.length > 30) ? 'Tags are at most 30 characters each' : null),
    },
  });
  const submit = form.onSubmit((v) =>
    save.mutate(
      { ...v },
      {
        onSuccess: () => notifySuccess('Basic information saved'),
        onError: (e) =>
          reportApiError(form, e, {
            description: 'description',
            tags: 'tags',
            categories: 'categories',
            visibility: 'visibility',
            isDefaultVersion: 'isDefaultVersion',
          }),
      },
    ),
  );
  return (
    <Stack maw={760}>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Fact label="Name" value={api.name} />
        <Fact label="Version" value={api.version} />
        <Fact label="Context" value={api.context} />
        <Fact label="Type" value={api.type} />
        <Fact label="Provider" value={api.provider} />
        <Fact
          label="Created"
          value={api.createdTime ? dayjs(api.createdTime).format('YYYY-MM-DD HH:mm') : undefined}
        />
        <Fact
          label="Last updated"
          value={api.lastUpdatedTime ? dayjs(api.lastUpdatedTime).format('YYYY-MM-DD HH:mm') : undefined}
        />
        <Fact
          label="From service"
          value={
            api.serviceInfo
              ? `${api.serviceInfo.name ?? ''} ${api.serviceInfo.version ?? ''}${api.serviceInfo.outdated ? ' (outdated)' : ''}`
              : undefined
          }
        />
      </SimpleGrid>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Textarea
            label="Description"
            rows={4}
            key={form.key('description')}
            {...form.getInputProps('description')}
          />
          <TagsInput
            label="Tags"
            description="Press Enter after each tag"
            clearable
            clearButtonProps={{ 'aria-label': 'Remove all tags' }}
            key={form.key('tags')}
            {...form.getInputProps('tags')}
          />
          <MultiSelect
            label="Categories"
            description="Categories the Admin portal defines; the Developer Portal groups APIs by them"
            data={categories.data?.list.map((c) => c.name) ?? form.getValues().categories}
            searchable
            nothingFoundMessage={categories.isError ? categories.error.message : 'No categories defined'}
            key={form.key('categories')}
            {...form.getInputProps('categories')}
          />
          <Select
            label="Visibility on the Developer Portal"
            data={[
              { value: 'PUBLIC', label: 'Public: everyone' },
              { value: 'RESTRICTED', label: 'Restricted: by role' },
              { value: 'PRIVATE', label: 'Private: signed-in users' },
            ]}
            allowDeselect={false}
            key={form.key('visibility')}
            {...form.getInputProps('visibility')}
          />
          <Switch
            label="Default version"
            description="The gateway also serves this version at the context without a version"
            key={form.key('isDefaultVersion')}
            {...form.getInputProps('isDefaultVersion', { type: 'checkbox' })}
          />
          <SaveBar dirty={form.isDirty()} pending={save.isPending} onDiscard={() => form.reset()} />
        </Stack>
      </form>
      {hasScope('apim:api_create') && (
        <>
          <Divider />
          <Title order={3} size="h5">
            Danger zone
          </Title>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Deleting removes the API everywhere; it cannot be undone.
            </Text>
            <DeleteApi api={api} />
          </Group>
        </>
      )}
    </Stack>
  );
}
