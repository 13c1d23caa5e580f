// A markdown text with a live preview: "Write" and "Preview" tabs on small screens, side by side on wide ones.
import { lazy, Suspense } from 'react';
import { Paper, SimpleGrid, Tabs, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Loading } from '@shared/components/QueryState';

const MarkdownPreview = lazy(() => import('./MarkdownPreview'));

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: React.ReactNode;
  /** Plain text (INLINE documents) has no preview. */
  preview?: boolean;
}

export function Preview({ text }: { text: string }) {
  return (
    <Paper withBorder p="sm" mih={240} aria-label="Preview" role="region">
      {text.trim() ? (
        <Suspense fallback={<Loading label="Loading the preview" />}>
          <MarkdownPreview text={text} />
        </Suspense>
      ) : (
        <Text c="dimmed" size="sm">
          Nothing to preview yet.
        </Text>
      )}
    </Paper>
  );
}

export function MarkdownEditor({ label, value, onChange, error, preview = true }: Props) {
  const wide = useMediaQuery('(min-width: 75em)');
  const editor = (
    <Textarea
      label={label}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      autosize
      minRows={10}
      maxRows={24}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
    />
  );
  if (!preview) return editor;
  if (wide)
    return (
      <SimpleGrid cols={2}>
        {editor}
        <div>
          <Text size="sm" fw={500} mb={4}>
            Preview
          </Text>
          <Preview text={value} />
        </div>
      </SimpleGrid>
    );
  return (
    <Tabs defaultValue="write" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="write">Write</Tabs.Tab>
        <Tabs.Tab value="preview">Preview</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="write" pt="xs">
        {editor}
      </Tabs.Panel>
      <Tabs.Panel value="preview" pt="xs">
        <Preview text={value} />
      </Tabs.Panel>
    </Tabs>
  );
}
