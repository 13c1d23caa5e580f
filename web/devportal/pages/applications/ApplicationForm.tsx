// Creating or editing an application: name, description, its throttling tier and the application
// attributes the server asks for (required ones enforced, hidden ones neither shown nor lost).
import { Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess, reportFormError } from '@shared/components/forms';
import { useApplicationAttributes, usePolicies } from '../../api/queries';
import type {
  Application,
  ApplicationAttributeDefinition,
  ApplicationInput,
  ThrottlingPolicy,
} from '../../api/types';
import { attributesBody, attributeValues, isRequired, shownAttributes } from './attributes';

interface FormValues {
  name: string;
  description: string;
  throttlingPolicy: string;
  /** One per shown attribute, in the server's order. */
  attributes: string[];
}

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
  const policies = usePolicies('application', opened);
  const definitions = useApplicationAttributes(opened);
  const shown = shownAttributes(definitions.data ?? []);
  if (definitions.isPending) return null;
  return (
    <Fields
      // The attribute fields are known once the definitions are: the form starts then.
      key={shown.map((d) => d.attribute).join('\u0000')}
      opened={opened}
      onClose={onClose}
      editing={editing}
      onSaved={onSaved}
      shown={shown}
      definitionsError={definitions.isError ? definitions.error.message : null}
      policies={policies}
    />
  );
}

function Fields({
  opened,
  onClose,
  editing,
  onSaved,
  shown,
  definitionsError,
  policies,
}: {
  opened: boolean;
  onClose: () => void;
  editing?: Application;
  onSaved?: (a: Application) => void;
  shown: ApplicationAttributeDefinition[];
  definitionsError: string | null;
  policies: ReturnType<typeof usePolicies>;
}) {
  const client = useQueryClient();
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: {
      name: editing?.name ?? '',
      description: editing?.description ?? '',
      throttlingPolicy: editing?.throttlingPolicy ?? 'Unlimited',
      attributes: attributeValues(shown, editing?.attributes),
    },
    validate: (v) => {
      const e: Record<string, string> = {};
      if (!v.name.trim()) e.name = 'A name is required';
      else if (v.name.length > 70) e.name = 'A name has at most 70 characters';
      if (!v.throttlingPolicy) e.throttlingPolicy = 'Choose a tier';
      shown.forEach((d, i) => {
        if (isRequired(d) && !(v.attributes[i] ?? '').trim())
          e[`attributes.${i}`] = `${d.attribute} is required`;
      });
      return e;
    },
  });
  const serverFields: Record<string, string> = {
    name: 'name',
    description: 'description',
    throttlingPolicy: 'throttlingPolicy',
    ...Object.fromEntries(shown.map((d, i) => [`attributes.${d.attribute}`, `attributes.${i}`])),
  };
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
    onError: (e) => reportFormError(form, e, serverFields),
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
      <form
        onSubmit={form.onSubmit(({ attributes, ...v }) => {
          const body: ApplicationInput = { ...v, name: v.name.trim() };
          if (shown.length || editing?.attributes)
            body.attributes = attributesBody(shown, attributes, editing?.attributes);
          save.mutate(body);
        })}
        noValidate
      >
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
          {definitionsError && (
            <Text size="sm" c="red">
              The application attributes could not be loaded: {definitionsError}
            </Text>
          )}
          {shown.map((d, i) => {
            const props = {
              label: d.attribute,
              description: d.description || d.tooltip,
              required: isRequired(d),
              ...form.getInputProps(`attributes.${i}`),
            };
            return d.type === 'textarea' ? (
              <Textarea key={d.attribute} autosize minRows={2} maxRows={6} {...props} />
            ) : (
              <TextInput key={d.attribute} title={d.tooltip} {...props} />
            );
          })}
          <FormActions
            submitLabel={editing ? 'Save' : 'Create'}
            pending={save.isPending}
            onCancel={onClose}
          />
        </Stack>
      </form>
    </Modal>
  );
}
