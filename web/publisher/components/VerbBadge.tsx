import { Badge } from '@mantine/core';

// Light enough shades for black text, which meets the contrast ratio in both themes.
const colors: Record<string, string> = {
  GET: 'blue.3',
  POST: 'green.4',
  PUT: 'orange.4',
  DELETE: 'red.3',
  PATCH: 'violet.3',
};

export function VerbBadge({ verb }: { verb: string }) {
  const v = verb.toUpperCase();
  return (
    <Badge color={colors[v] ?? 'gray.4'} c="black" variant="filled" radius="sm" w={72}>
      {v}
    </Badge>
  );
}
