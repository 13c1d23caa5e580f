// Registering a service: its metadata and its definition (a file, or text pasted in).
import {
  FileInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { FormActions } from '@shared/components/FormActions';
import { reportFormError } from '@shared/components/forms';
import {
  catalogApi,
  DEFINITION_TYPES,
  SECURITY_TYPES,
  type CatalogService,
  type DefinitionType,
  type SecurityType,
} from '../../api/catalog';

export interface ServiceFormValues {
  name: string;
  version: string;
  displayName: string;
  description: string;
  serviceUrl: string;
  definitionType: DefinitionType;
  securityType: SecurityType;
  mutualSSLEnabled: boolean;
  source: 'file' | 'text';
  file: File | null;
  text: string;
}

const definitionLabels: Record<DefinitionType, string> = {
  OAS3: 'OpenAPI 3',
  OAS2: 'Swagger 2 (OpenAPI 2)',
  ASYNC_API: 'AsyncAPI',
  GRAPHQL_SDL: 'GraphQL SDL',
  WSDL1: 'WSDL 1.1',
  WSDL2: 'WSDL 2.0',
};

export function validateService(v: ServiceFormValues): Partial<Record<keyof ServiceFormValues, string>> {
  const e: Partial<Record<keyof ServiceFormValues, string>> = {};
  const name = v.name.trim();
  if (!name) e.name = "'name' is required";
  else if (name.length > 255) e.name = "'name' must be at most 255 characters";
  else if (name.includes('*')) e.name = "'name' must not contain '*'";
  const version = v.version.trim();
  if (!version) e.version = "'version' is required";
  else if (version.length > 30) e.version = "'version' must be at most 30 characters";
  else if (version.includes('*')) e.version = "'version' must not contain '*'";
  if (v.displayName.length > 255) e.displayName = "'displayName' must be at most 255 characters";
  if (v.description.length > 32768) e.description = "'description' must be at most 32768 characters";
  const url = v.serviceUrl.trim();
  if (!url) e.serviceUrl = "'serviceUrl' is required";
  else if (url.length > 2048) e.serviceUrl = "'serviceUrl' must be at most 2048 characters";
  else if (!/^https?:\/\/[^\s/?#]+/i.test(url))
    e.serviceUrl = "'serviceUrl' must be an absolute http or https URL";
  if (v.source === 'file' && !v.file) e.file = "'definitionFile' is required";
  if (v.source === 'text' && !v.text.trim()) e.text = "'definitionFile' is required and must not be empty";
  return e;
}

export function ServiceForm({
  onSaved,
  onCancel,
}: {
  onSaved: (s: CatalogService) => void;
  onCancel: () => void;
}) {
  const form = useForm<ServiceFormValues>({
    initialValues: {
      name: '',
      version: 'v1',
      displayName: '',
      description: '',
      serviceUrl: '',
      definitionType: 'OAS3',
      securityType: 'NONE',
      mutualSSLEnabled: false,
      source: 'file',
      file: null,
      text: '',
    },
    validate: validateService,
  });
  const save = useMutation({
    mutationFn: (v: ServiceFormValues) => {
      const definition = v.source === 'file' && v.file ? v.file : new Blob([v.text], { type: 'text/plain' });
      const fileName = v.source === 'file' && v.file ? v.file.name : 'definition.yaml';
      return catalogApi.register(
        {
          name: v.name.trim(),
          version: v.version.trim(),
          serviceUrl: v.serviceUrl.trim(),
          ...(v.displayName.trim() ? { displayName: v.displayName.trim() } : {}),
          ...(v.description ? { description: v.description } : {}),
          definitionType: v.definitionType,
          securityType: v.securityType,
          mutualSSLEnabled: v.mutualSSLEnabled,
        },
        definition,
        fileName,
      );
    },
    onSuccess: onSaved,
    onError: (error) =>
      reportFormError(form, error, {
        name: 'name',
        version: 'version',
        displayName: 'displayName',
        description: 'description',
        serviceUrl: 'serviceUrl',
        definitionType: 'definitionType',
        securityType: 'securityType',
        definitionFile: form.values.source === 'file' ? 'file' : 'text',
      }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            withAsterisk
            description="With the version it makes the service's key"
            {...form.getInputProps('name')}
          />
          <TextInput label="Version" withAsterisk {...form.getInputProps('version')} />
          <TextInput label="Display name" {...form.getInputProps('displayName')} />
          <TextInput
            label="Service URL"
            withAsterisk
            placeholder="https://backend.example.com/v1"
            {...form.getInputProps('serviceUrl')}
          />
          <Select
            label="Definition type"
            allowDeselect={false}
            data={DEFINITION_TYPES.map((t) => ({ value: t, label: definitionLabels[t] }))}
            {...form.getInputProps('definitionType')}
          />
          <Select
            label="Security"
            allowDeselect={false}
            data={[...SECURITY_TYPES]}
            {...form.getInputProps('securityType')}
          />
        </SimpleGrid>
        <Switch label="Mutual TLS" {...form.getInputProps('mutualSSLEnabled', { type: 'checkbox' })} />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={6}
          {...form.getInputProps('description')}
        />
        <SegmentedControl
          aria-label="How to give the definition"
          data={[
            { value: 'file', label: 'Upload a file' },
            { value: 'text', label: 'Paste the definition' },
          ]}
          {...form.getInputProps('source')}
        />
        {form.values.source === 'file' ? (
          <FileInput
            label="Definition file"
            withAsterisk
            accept=".json,.yaml,.yml,.wsdl,.xml,.graphql,.gql,.txt"
            clearable
            {...form.getInputProps('file')}
          />
        ) : (
          <Textarea
            label="Definition"
            withAsterisk
            minRows={10}
            autosize
            maxRows={20}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            {...form.getInputProps('text')}
          />
        )}
        <FormActions submitLabel="Register service" pending={save.isPending} onCancel={onCancel} />
      </Stack>
    </form>
  );
}
