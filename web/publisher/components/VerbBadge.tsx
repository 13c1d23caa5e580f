import { Badge } from '@mantine/core';

const colors: Record<string, string> = { GET: 'blue', POST: 'green', PUT: 'orange', DELETE: 'red', PATCH: 'violet' };

export function VerbBadge({ verb }: { verb: string }) {
  const v = verb.toUpperCase();
  return (
    <Badge color={colors[v] ?? 'gray'} variant="filled" radius="sm" w={72}>
      {v}
    </Badge>
  );
}
