// Creating or editing an application: name, description and its throttling tier.
import { Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import { notifySuccess, reportFormError } from '@shared/components/forms';
import { usePolicies } from '../../api/queries';
import type { Application, ApplicationInput, ThrottlingPolicy } from '../../api/types';

function describe(p: ThrottlingPolicy): string {
  if (p.description) return p.description;
  if (p.requestCount)
    return `${p.requestCount} requests per ${p.unitTime && p.unitTime > 1 ? `${p.unitTime} ` : ''}${p.timeUnit ?? 'min'}`;
  return '';
}

export function ApplicationForm({
  opened,
  onClose,
  editing,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  editing?: Application;
  onSaved?: (a: Application) => void;
}) {
  const client = useQueryClient();
  const policies = usePolicies('application', opened);
  const form = useForm<ApplicationInput>({
    mode: 'controlled',
    initialValues: {
      name: editing?.name ?? '',
      description: editing?.description ?? '',
      throttlingPolicy: editing?.throttlingPolicy ?? 'Unlimited',
    },
    validate: {
      name: (v) =>
        !v.trim() ? 'A name is required' : v.length > 70 ? 'A name has at most 70 characters' : null,
      throttlingPolicy: (v) => (v ? null : 'Choose a tier'),
    },
  });
  const save = useMutation({
    mutationFn: (v: ApplicationInput) =>
      editing
        ? api<Application>(`${DEVPORTAL}/applications/${editing.applicationId}`, {
            method: 'PUT',
            body: { ...editing, ...v },
          })
        : api<Application>(`${DEVPORTAL}/applications`, { method: 'POST', body: { ...v, tokenType: 'JWT' } }),
    onSuccess: (a) => {
      void client.invalidateQueries({ queryKey: ['applications'] });
      notifySuccess(editing ? `${a.name} is saved` : `${a.name} is created`);
      if (!editing) form.reset();
      onClose();
      onSaved?.(a);
    },
    onError: (e) => reportFormError(form, e, ['name', 'description', 'throttlingPolicy']),
  });
  const list = policies.data?.list ?? [];
  const data = list.map((p) => ({ value: p.name, label: p.displayName || p.name }));
  if (form.values.throttlingPolicy && !data.some((d) => d.value === form.values.throttlingPolicy))
    data.push({ value: form.values.throttlingPolicy, label: form.values.throttlingPolicy });
  const byName = new Map(list.map((p) => [p.name, p]));

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${editing.name}` : 'Create an application'}
    >
      <form onSubmit={form.onSubmit((v) => save.mutate({ ...v, name: v.name.trim() }))} noValidate>
        <Stack>
          <TextInput label="Name" required maxLength={70} data-autofocus {...form.getInputProps('name')} />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            maxRows={6}
            {...form.getInputProps('description')}
          />
          <Select
            label="Throttling tier"
            description={
              policies.isError
                ? `The tiers could not be loaded: ${policies.error.message}`
                : 'Requests per application, over all its subscriptions'
            }
            data={data}
            required
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            renderOption={({ option }) => {
              const p = byName.get(option.value);
              const d = p ? describe(p) : '';
              return (
                <div>
                  <Text size="sm">{option.label}</Text>
                  {d && (
                    <Text size="xs" c="dimmed">
                      {d}
                    </Text>
                  )}
                </div>
              );
            }}
            {...form.getInputProps('throttlingPolicy')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
