// Markdown rendered safely (react-markdown renders no raw HTML); loaded lazily in its own chunk.
import ReactMarkdown from 'react-markdown';
import { Typography } from '@mantine/core';

export default function Markdown({ children }: { children: string }) {
  return (
    <Typography>
      <ReactMarkdown>{children}</ReactMarkdown>
    </Typography>
  );
}
