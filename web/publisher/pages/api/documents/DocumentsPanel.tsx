// The documents of an API or an API product: list, add, edit (metadata and content), read, delete.
import { useState } from 'react';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDownload, IconEye, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { ApiError } from '@shared/api/client';
import { notifyError, notifySuccess } from '@shared/components/forms';
import { ErrorNotice, Loading, QueryState } from '@shared/components/QueryState';
import { documentsApi, type ApiDocument } from '../../../api/documents';
import { ConfirmDeleteButtons } from '../../../components/deleting';
import { DocumentForm } from './DocumentForm';
import { Preview } from './MarkdownEditor';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; doc: ApiDocument }
  | { kind: 'view'; doc: ApiDocument }
  | { kind: 'delete'; doc: ApiDocument };

const textual = (d: ApiDocument) => d.sourceType === 'INLINE' || d.sourceType === 'MARKDOWN';

function useContent(base: string, doc: ApiDocument | undefined) {
  return useQuery({
    queryKey: ['document-content', base, doc?.documentId, doc?.lastUpdatedTime],
    enabled: !!doc && textual(doc),
    queryFn: async ({ signal }) => {
      if (!doc?.hasContent) return '';
      try {
        return await documentsApi(base).content(doc.documentId, signal);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return '';
        throw e;
      }
    },
  });
}

function EditDocument({
  base,
  doc,
  onDone,
}: {
  base: string;
  doc: ApiDocument;
  onDone: (d?: ApiDocument) => void;
}) {
  const content = useContent(base, doc);
  if (!textual(doc))
    return <DocumentForm base={base} document={doc} onSaved={onDone} onCancel={() => onDone()} />;
  return (
    <QueryState query={content} label="Loading the document">
      {(text) => (
        <DocumentForm
          base={base}
          document={doc}
          initialContent={text}
          onSaved={onDone}
          onCancel={() => onDone()}
        />
      )}
    </QueryState>
  );
}

function ViewDocument({ base, doc }: { base: string; doc: ApiDocument }) {
  const content = useContent(base, doc);
  if (doc.sourceType === 'URL')
    return (
      <Anchor href={doc.sourceUrl ?? undefined} target="_blank" rel="noreferrer">
        {doc.sourceUrl}
      </Anchor>
    );
  if (doc.sourceType === 'FILE') return <Text>{doc.fileName ?? 'No file uploaded yet.'}</Text>;
  if (content.isPending) return <Loading label="Loading the document" />;
  if (content.isError) return <ErrorNotice error={content.error} onRetry={() => void content.refetch()} />;
  if (doc.sourceType === 'MARKDOWN') return <Preview text={content.data} />;
  return <Text style={{ whiteSpace: 'pre-wrap' }}>{content.data || 'No content yet.'}</Text>;
}

export function DocumentsPanel({ base }: { base: string }) {
  const client = useQueryClient();
  const small = useMediaQuery('(max-width: 48em)');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const calls = documentsApi(base);
  const key = ['documents', base];
  const list = useQuery({ queryKey: key, queryFn: ({ signal }) => calls.list(signal) });
  const refresh = () => client.invalidateQueries({ queryKey: key });
  const remove = useMutation({
    mutationFn: (doc: ApiDocument) => calls.remove(doc.documentId),
    onSuccess: (_, doc) => {
      notifySuccess(`Document '${doc.name}' deleted`);
      setDialog(null);
      void refresh();
    },
    onError: (e) => notifyError(e, 'The document was not deleted'),
  });
  const download = useMutation({
    mutationFn: async (doc: ApiDocument) => ({ doc, blob: await calls.file(doc.documentId) }),
    onSuccess: ({ doc, blob }) => {
      const url = URL.createObjectURL(blob);
      const a = window.document.createElement('a');
      a.href = url;
      a.download = doc.fileName ?? doc.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    onError: (e) => notifyError(e, 'The file could not be downloaded'),
  });
  const saved = (doc?: ApiDocument) => {
    if (doc) notifySuccess(`Document '${doc.name}' saved`);
    setDialog(null);
    void refresh();
    void client.invalidateQueries({ queryKey: ['document-content', base] });
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Documents</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog({ kind: 'create' })}>
          Add document
        </Button>
      </Group>
      <QueryState query={list} label="Loading the documents">
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">
              No documents yet. Add a guide, samples or a link so developers know how to use it.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing="xs" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Source</Table.Th>
                    <Table.Th>Updated</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.list.map((doc) => (
                    <Table.Tr key={doc.documentId}>
                      <Table.Td>
                        <Anchor
                          component="button"
                          type="button"
                          onClick={() => setDialog({ kind: 'view', doc })}
                        >
                          {doc.name}
                        </Anchor>
                        {doc.summary && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {doc.summary}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {doc.type === 'OTHER'
                          ? doc.otherTypeName
                          : doc.type.replaceAll('_', ' ').toLowerCase()}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <Badge variant="light">{doc.sourceType}</Badge>
                          {doc.visibility !== 'API_LEVEL' && (
                            <Badge variant="outline" color="gray">
                              {doc.visibility.replace('_', ' ').toLowerCase()}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {doc.lastUpdatedTime ? dayjs(doc.lastUpdatedTime).format('YYYY-MM-DD HH:mm') : ''}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Tooltip label="Read">
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Read ${doc.name}`}
                              onClick={() => setDialog({ kind: 'view', doc })}
                            >
                              <IconEye size={16} />
                            </ActionIcon>
                          </Tooltip>
                          {doc.sourceType === 'FILE' && doc.hasContent && (
                            <Tooltip label="Download">
                              <ActionIcon
                                variant="subtle"
                                aria-label={`Download ${doc.name}`}
                                loading={
                                  download.isPending && download.variables?.documentId === doc.documentId
                                }
                                onClick={() => download.mutate(doc)}
                              >
                                <IconDownload size={16} />
                              </ActionIcon>
                            </Tooltip>
                          )}
                          <Tooltip label="Edit">
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Edit ${doc.name}`}
                              onClick={() => setDialog({ kind: 'edit', doc })}
                            >
                              <IconPencil size={16} />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label="Delete">
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Delete ${doc.name}`}
                              onClick={() => setDialog({ kind: 'delete', doc })}
                            >
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryState>

      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={dialog?.kind === 'create' || dialog?.kind === 'edit'}
        onClose={() => setDialog(null)}
        title={dialog?.kind === 'edit' ? `Edit ${dialog.doc.name}` : 'Add a document'}
        size="80rem"
        fullScreen={small}
      >
        {dialog?.kind === 'create' && (
          <DocumentForm base={base} onSaved={saved} onCancel={() => setDialog(null)} />
        )}
        {dialog?.kind === 'edit' && <EditDocument base={base} doc={dialog.doc} onDone={saved} />}
      </Modal>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={dialog?.kind === 'view'}
        onClose={() => setDialog(null)}
        title={dialog?.kind === 'view' ? dialog.doc.name : ''}
        size="xl"
        fullScreen={small}
      >
        {dialog?.kind === 'view' && <ViewDocument base={base} doc={dialog.doc} />}
      </Modal>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={dialog?.kind === 'delete'}
        onClose={() => setDialog(null)}
        title="Delete the document?"
      >
        {dialog?.kind === 'delete' && (
          <Stack>
            <Text>
              Delete <b>{dialog.doc.name}</b> and its content? Developers will no longer see it.
            </Text>
            <ConfirmDeleteButtons
              pending={remove.isPending}
              onCancel={() => setDialog(null)}
              onDelete={() => remove.mutate(dialog.doc)}
            />
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
