// Markdown rendered safely (react-markdown never renders raw HTML); loaded lazily by its users.
import Markdown from 'react-markdown';
import { Typography } from '@mantine/core';

export default function MarkdownPreview({ text }: { text: string }) {
  return (
    <Typography>
      <Markdown>{text}</Markdown>
    </Typography>
  );
}
