// Creating or editing a document: its metadata and its content (markdown or text, a file or a URL).
import { useState } from 'react';
import { FileInput, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { FormActions } from '@shared/components/FormActions';
import { reportFormError } from '@shared/components/forms';
import {
  DOCUMENT_LIMITS,
  DOCUMENT_SOURCE_TYPES,
  DOCUMENT_TYPES,
  DOCUMENT_VISIBILITIES,
  documentsApi,
  type ApiDocument,
  type DocumentBody,
  type DocumentSourceType,
  type DocumentType,
  type DocumentVisibility,
} from '../../../api/documents';
import { MarkdownEditor } from './MarkdownEditor';

const typeLabels: Record<DocumentType, string> = {
  HOWTO: 'How to',
  SAMPLES: 'Samples',
  PUBLIC_FORUM: 'Public forum',
  SUPPORT_FORUM: 'Support forum',
  API_MESSAGE_FORMAT: 'API message format',
  SWAGGER_DOC: 'Swagger document',
  OTHER: 'Other (name the type)',
};
const sourceLabels: Record<DocumentSourceType, string> = {
  MARKDOWN: 'Markdown',
  INLINE: 'Plain text',
  URL: 'Link (URL)',
  FILE: 'File',
};
const visibilityLabels: Record<DocumentVisibility, string> = {
  API_LEVEL: 'Same as the API',
  PRIVATE: 'Private (Publisher users)',
  OWNER_ONLY: 'Owner only',
};

export interface DocumentFormValues {
  name: string;
  type: DocumentType;
  otherTypeName: string;
  summary: string;
  sourceType: DocumentSourceType;
  sourceUrl: string;
  visibility: DocumentVisibility;
  content: string;
  file: File | null;
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validateDocument(v: DocumentFormValues): Partial<Record<keyof DocumentFormValues, string>> {
  const e: Partial<Record<keyof DocumentFormValues, string>> = {};
  const name = v.name.trim();
  if (!name) e.name = "'name' is required";
  else if (name.length > DOCUMENT_LIMITS.name)
    e.name = `'name' must be at most ${DOCUMENT_LIMITS.name} characters`;
  else if (/[/\\]/.test(name) || CONTROL.test(name))
    e.name = "'name' must not contain slashes or control characters";
  if (v.type === 'OTHER' && !v.otherTypeName.trim())
    e.otherTypeName = "'otherTypeName' is required when 'type' is OTHER";
  else if (v.otherTypeName.length > DOCUMENT_LIMITS.name)
    e.otherTypeName = `'otherTypeName' must be at most ${DOCUMENT_LIMITS.name} characters`;
  if (v.summary.length > DOCUMENT_LIMITS.summary)
    e.summary = `'summary' must be at most ${DOCUMENT_LIMITS.summary} characters`;
  if (v.sourceType === 'URL') {
    const url = v.sourceUrl.trim();
    if (!url) e.sourceUrl = "'sourceUrl' is required when 'sourceType' is URL";
    else if (url.length > DOCUMENT_LIMITS.url)
      e.sourceUrl = `'sourceUrl' must be at most ${DOCUMENT_LIMITS.url} characters`;
    else if (!/^https?:\/\/[^\s/?#]+/i.test(url))
      e.sourceUrl = `'sourceUrl' must be an http or https URL, got '${url}'`;
  }
  if (
    (v.sourceType === 'INLINE' || v.sourceType === 'MARKDOWN') &&
    byteLength(v.content) > DOCUMENT_LIMITS.inlineBytes
  )
    e.content = "'inlineContent' must be at most 2 MiB";
  if (v.sourceType === 'FILE' && v.file && v.file.size > DOCUMENT_LIMITS.fileBytes)
    e.file = "'file' must be at most 8 MiB";
  return e;
}

function bodyOf(v: DocumentFormValues): DocumentBody {
  return {
    name: v.name.trim(),
    type: v.type,
    ...(v.type === 'OTHER' ? { otherTypeName: v.otherTypeName.trim() } : {}),
    summary: v.summary,
    sourceType: v.sourceType,
    ...(v.sourceType === 'URL' ? { sourceUrl: v.sourceUrl.trim() } : {}),
    visibility: v.visibility,
  };
}

interface Props {
  /** `${PUBLISHER}/apis/{id}` or `${PUBLISHER}/api-products/{id}` */
  base: string;
  /** The document to edit (absent: a new one). */
  document?: ApiDocument;
  /** The document's current text, for INLINE and MARKDOWN documents being edited. */
  initialContent?: string;
  onSaved: (doc: ApiDocument) => void;
  onCancel: () => void;
}

export function DocumentForm({ base, document, initialContent = '', onSaved, onCancel }: Props) {
  // Once created, a document is updated by later submits (a failed content upload can be retried).
  const [saved, setSaved] = useState<ApiDocument | undefined>(document);
  const form = useForm<DocumentFormValues>({
    initialValues: {
      name: document?.name ?? '',
      type: document?.type ?? 'HOWTO',
      otherTypeName: document?.otherTypeName ?? '',
      summary: document?.summary ?? '',
      sourceType: document?.sourceType ?? 'MARKDOWN',
      sourceUrl: document?.sourceUrl ?? '',
      visibility: document?.visibility ?? 'API_LEVEL',
      content: initialContent,
      file: null,
    },
    validate: validateDocument,
  });
  const calls = documentsApi(base);
  const save = useMutation({
    mutationFn: async (v: DocumentFormValues) => {
      const body = bodyOf(v);
      let doc = saved ? await calls.update(saved.documentId, body) : await calls.create(body);
      setSaved(doc);
      const textual = v.sourceType === 'INLINE' || v.sourceType === 'MARKDOWN';
      const contentChanged = v.content !== initialContent || !saved || saved.sourceType !== v.sourceType;
      if (textual && contentChanged && (v.content !== '' || doc.hasContent))
        doc = await calls.saveInline(doc.documentId, v.content);
      if (v.sourceType === 'FILE' && v.file) doc = await calls.saveFile(doc.documentId, v.file);
      return doc;
    },
    onSuccess: onSaved,
    onError: (error) =>
      reportFormError(form, error, {
        name: 'name',
        type: 'type',
        otherTypeName: 'otherTypeName',
        summary: 'summary',
        sourceType: 'sourceType',
        sourceUrl: 'sourceUrl',
        visibility: 'visibility',
        inlineContent: 'content',
        file: 'file',
      }),
  });
  const v = form.values;
  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            withAsterisk
            maxLength={DOCUMENT_LIMITS.name}
            {...form.getInputProps('name')}
          />
          <Select
            label="Type"
            withAsterisk
            allowDeselect={false}
            data={DOCUMENT_TYPES.map((t) => ({ value: t, label: typeLabels[t] }))}
            {...form.getInputProps('type')}
          />
          {v.type === 'OTHER' && (
            <TextInput label="Type name" withAsterisk {...form.getInputProps('otherTypeName')} />
          )}
          <Select
            label="Visibility"
            allowDeselect={false}
            data={DOCUMENT_VISIBILITIES.map((t) => ({ value: t, label: visibilityLabels[t] }))}
            {...form.getInputProps('visibility')}
          />
        </SimpleGrid>
        <Textarea label="Summary" autosize minRows={2} maxRows={5} {...form.getInputProps('summary')} />
        <Select
          label="Source"
          withAsterisk
          allowDeselect={false}
          data={DOCUMENT_SOURCE_TYPES.map((t) => ({ value: t, label: sourceLabels[t] }))}
          {...form.getInputProps('sourceType')}
        />
        {(v.sourceType === 'MARKDOWN' || v.sourceType === 'INLINE') && (
          <MarkdownEditor
            label={v.sourceType === 'MARKDOWN' ? 'Content (Markdown)' : 'Content (plain text)'}
            preview={v.sourceType === 'MARKDOWN'}
            value={v.content}
            onChange={(text) => form.setFieldValue('content', text)}
            error={form.errors.content}
          />
        )}
        {v.sourceType === 'URL' && (
          <TextInput
            label="URL"
            withAsterisk
            placeholder="https://"
            type="url"
            {...form.getInputProps('sourceUrl')}
          />
        )}
        {v.sourceType === 'FILE' && (
          <FileInput
            label="File"
            description={
              saved?.fileName
                ? `Stored: ${saved.fileName}. Choose a file to replace it (at most 8 MiB).`
                : 'At most 8 MiB'
            }
            clearable
            {...form.getInputProps('file')}
          />
        )}
        <FormActions
          submitLabel={document ? 'Save document' : 'Add document'}
          pending={save.isPending}
          onCancel={onCancel}
        />
      </Stack>
    </form>
  );
}
