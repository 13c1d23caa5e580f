import { Badge } from '@mantine/core';

const colors: Record<string, string> = {
  CREATED: 'gray',
  PROTOTYPED: 'grape',
  PUBLISHED: 'teal',
  BLOCKED: 'red',
  DEPRECATED: 'orange',
  RETIRED: 'dark',
};

/** An API's lifecycle state as a badge (the same colour for a state on every page). */
export function LifecycleBadge({ state, size = 'sm' }: { state: string; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  return (
    <Badge color={colors[state] ?? 'gray'} variant="light" size={size}>
      {state}
    </Badge>
  );
}
