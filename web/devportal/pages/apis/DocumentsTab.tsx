// An API's documents: inline and Markdown ones rendered here, links, and files to download.
import { lazy, Suspense, useState } from 'react';
import { Accordion, Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconDownload, IconExternalLink } from '@tabler/icons-react';
import { api, DEVPORTAL } from '@shared/api/client';
import { notifyError } from '@shared/components/forms';
import { Loading, QueryState } from '@shared/components/QueryState';
import { useDocuments } from '../../api/queries';
import type { Document } from '../../api/types';

const Markdown = lazy(() => import('../../components/Markdown'));

function contentPath(apiId: string, doc: Document) {
  return `${DEVPORTAL}/apis/${encodeURIComponent(apiId)}/documents/${encodeURIComponent(doc.documentId)}/content`;
}

function TextContent({ apiId, doc }: { apiId: string; doc: Document }) {
  const content = useQuery({
    queryKey: ['api', apiId, 'documents', doc.documentId, 'content'],
    queryFn: ({ signal }) => api<string>(contentPath(apiId, doc), { signal, as: 'text' }),
  });
  return (
    <QueryState query={content} label={`Loading ${doc.name}`}>
      {(text) => (
        <Suspense fallback={<Loading label="Loading the document viewer" />}>
          <Markdown>{text}</Markdown>
        </Suspense>
      )}
    </QueryState>
  );
}

function FileDownload({ apiId, doc }: { apiId: string; doc: Document }) {
  const download = useMutation({
    mutationFn: () => api<Blob>(contentPath(apiId, doc), { as: 'blob' }),
    onSuccess: (blob) => {
      const url = URL.createObjectURL(blob);
      const a = window.document.createElement('a');
      a.href = url;
      a.download = doc.fileName || doc.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    onError: (e) => notifyError(e, `${doc.name} could not be downloaded`),
  });
  return (
    <Button
      leftSection={<IconDownload size={16} />}
      variant="light"
      loading={download.isPending}
      onClick={() => download.mutate()}
    >
      Download {doc.fileName || doc.name}
    </Button>
  );
}

function DocumentBody({ apiId, doc }: { apiId: string; doc: Document }) {
  if (doc.sourceType === 'URL')
    return doc.sourceUrl ? (
      <Anchor href={doc.sourceUrl} target="_blank" rel="noopener noreferrer">
        <Group gap={4} component="span">
          {doc.sourceUrl} <IconExternalLink size={14} aria-label="(opens in a new tab)" />
        </Group>
      </Anchor>
    ) : (
      <Text c="dimmed">No address given.</Text>
    );
  if (doc.sourceType === 'FILE') return <FileDownload apiId={apiId} doc={doc} />;
  return <TextContent apiId={apiId} doc={doc} />;
}

const typeLabel = (d: Document) =>
  d.type === 'OTHER' && d.otherTypeName ? d.otherTypeName : d.type.replace(/_/g, ' ').toLowerCase();

export function DocumentsTab({ apiId }: { apiId: string }) {
  const docs = useDocuments(apiId);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <QueryState query={docs} label="Loading documents">
      {(data) =>
        data.list.length === 0 ? (
          <Text c="dimmed">This API has no documents.</Text>
        ) : (
          <Accordion variant="separated" value={open} onChange={setOpen}>
            {data.list.map((d) => (
              <Accordion.Item key={d.documentId} value={d.documentId}>
                <Accordion.Control>
                  <Stack gap={2}>
                    <Group gap="xs">
                      <Text fw={500}>{d.name}</Text>
                      <Badge size="xs" variant="light">
                        {typeLabel(d)}
                      </Badge>
                    </Group>
                    {d.summary && (
                      <Text size="sm" c="dimmed">
                        {d.summary}
                      </Text>
                    )}
                  </Stack>
                </Accordion.Control>
                <Accordion.Panel>
                  {open === d.documentId && <DocumentBody apiId={apiId} doc={d} />}
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )
      }
    </QueryState>
  );
}
