// Import an OpenAPI definition: check it first (POST /apis/validate-openapi shows its info or every
// problem with its location), then create the API (POST /apis/import-openapi, multipart).
import { useState } from 'react';
import { useNavigate } from 'react-router';
import {
  Alert,
  Button,
  FileInput,
  Group,
  List,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCircleCheck, IconUpload } from '@tabler/icons-react';
import { api, ApiError, messageOf, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import type { ApiDetail, OpenApiProblem, OpenApiValidation } from '../../api/types';
import { reportApiError } from '../../components/apiRules';
import { plainTitle } from '../../components/LifecycleBadge';
import { keys } from '../api/queries';
import { BasicsFields, basicsBody, basicsFields, useBasicsForm } from './basics';

type Source = { file: File } | { url: string };

function sourceForm(source: Source): FormData {
  const data = new FormData();
  if ('file' in source) data.append('file', source.file);
  else data.append('url', source.url);
  return data;
}

/** The import's 400 lists the definition's problems in one message ("Invalid OpenAPI definition: a: x; b: y"). */
export function problemsOf(message: string): string[] {
  const prefix = 'Invalid OpenAPI definition: ';
  if (!message.startsWith(prefix)) return [];
  return message.slice(prefix.length).split('; ');
}

function Problems({ errors }: { errors: OpenApiProblem[] }) {
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Location</Table.Th>
            <Table.Th>Line</Table.Th>
            <Table.Th>Problem</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {errors.map((e, i) => (
            <Table.Tr key={i}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {e.location || '(root)'}
                </Text>
              </Table.Td>
              <Table.Td>{e.line ? `${e.line}${e.column ? `:${e.column}` : ''}` : ''}</Table.Td>
              <Table.Td>{e.location ? e.message : e.description || e.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function CreateFromOpenApi() {
  const [kind, setKind] = useState<'file' | 'url'>('file');
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState('');
  const [importProblems, setImportProblems] = useState<string[]>([]);
  const form = useBasicsForm();
  const navigate = useNavigate();
  const client = useQueryClient();

  const validate = useMutation({
    mutationFn: (source: Source) =>
      api<OpenApiValidation>(`${PUBLISHER}/apis/validate-openapi`, {
        method: 'POST',
        body: sourceForm(source),
      }),
    onSuccess: (result) => {
      if (!result.isValid || !result.info) return;
      const { name = '', version = '1.0.0', context = '', endpoints = [] } = result.info;
      form.setValues({
        name: name.slice(0, 60),
        version: version.replace(/[^A-Za-z0-9._-]/g, '') || '1.0.0',
        context: context || `/${name.toLowerCase().replace(/[^a-z0-9\-_.~]+/g, '-')}`,
        endpoint: endpoints[0] ?? '',
      });
      form.resetDirty();
    },
  });

  const create = useMutation({
    mutationFn: ({ source, body }: { source: Source; body: Partial<ApiDetail> }) => {
      const data = sourceForm(source);
      data.append('additionalProperties', JSON.stringify(body));
      return api<ApiDetail>(`${PUBLISHER}/apis/import-openapi`, { method: 'POST', body: data });
    },
    onMutate: () => setImportProblems([]),
    onSuccess: (created) => {
      client.setQueryData(keys.api(created.id), created);
      void client.invalidateQueries({ queryKey: keys.apis });
      notifySuccess(`API ${created.name} ${created.version} imported`);
      navigate(`/apis/${created.id}`);
    },
    onError: (error) => {
      const problems = error instanceof ApiError ? problemsOf(error.message) : [];
      if (problems.length) setImportProblems(problems);
      else reportApiError(form, error, basicsFields);
    },
  });

  const source: Source | null =
    kind === 'file' ? (file ? { file } : null) : url.trim() ? { url: url.trim() } : null;
  const result = validate.data;
  const checked = result?.isValid === true && !validate.isPending;

  return (
    <Stack>
      <SegmentedControl
        aria-label="Definition source"
        value={kind}
        onChange={(v) => {
          setKind(v as 'file' | 'url');
          validate.reset();
        }}
        data={[
          { value: 'file', label: 'Upload a file' },
          { value: 'url', label: 'From a URL' },
        ]}
      />
      {kind === 'file' ? (
        <FileInput
          label="OpenAPI definition"
          description="OpenAPI 3.x or Swagger 2.0, JSON or YAML"
          accept=".json,.yaml,.yml,application/json,application/yaml"
          leftSection={<IconUpload size={16} />}
          clearable
          clearButtonProps={{ 'aria-label': 'Remove the file' }}
          value={file}
          onChange={(f) => {
            setFile(f);
            validate.reset();
            if (f) validate.mutate({ file: f });
          }}
        />
      ) : (
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label="Definition URL"
            placeholder="https://example.com/openapi.json"
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
              validate.reset();
            }}
          />
          <Button
            variant="default"
            disabled={!source}
            loading={validate.isPending}
            onClick={() => source && validate.mutate(source)}
          >
            Check
          </Button>
        </Group>
      )}
      {validate.isPending && kind === 'file' && (
        <Text size="sm" c="dimmed">
          Checking the definition…
        </Text>
      )}
      {validate.isError && (
        <Alert color="red" title="The definition could not be checked" role="alert" styles={plainTitle}>
          {messageOf(validate.error)}
        </Alert>
      )}
      {result && !result.isValid && (
        <Alert
          color="red"
          icon={<IconAlertTriangle size={18} />}
          title={`The definition has ${result.errors?.length ?? 0} problem(s)`}
          role="alert"
          styles={plainTitle}
        >
          <Problems errors={result.errors ?? []} />
        </Alert>
      )}
      {checked && result.info && (
        <Alert
          color="teal"
          icon={<IconCircleCheck size={18} />}
          title="The definition is valid"
          styles={plainTitle}
        >
          <Text size="sm">
            {result.info.name} {result.info.version} · OpenAPI {result.info.openAPIVersion} ·{' '}
            {result.info.operationCount ?? 0} operation(s)
            {result.info.endpoints?.length ? ` · server ${result.info.endpoints.join(', ')}` : ''}
          </Text>
        </Alert>
      )}
      {checked && (
        <form
          onSubmit={form.onSubmit((v) => {
            if (source) create.mutate({ source, body: basicsBody(v) });
          })}
          noValidate
        >
          <Stack>
            <BasicsFields form={form} />
            {importProblems.length > 0 && (
              <Alert color="red" title="The server refused the definition" role="alert" styles={plainTitle}>
                <List size="sm">
                  {importProblems.map((p, i) => (
                    <List.Item key={i}>{p}</List.Item>
                  ))}
                </List>
              </Alert>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={create.isPending}>
                Import
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
