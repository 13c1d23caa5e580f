import { Badge } from '@mantine/core';

const colors: Record<string, string> = {
  CREATED: 'gray',
  PROTOTYPED: 'grape',
  PUBLISHED: 'teal',
  BLOCKED: 'red',
  DEPRECATED: 'orange',
  RETIRED: 'dark',
};

/** Alert titles in the text colour: the coloured ones miss the contrast ratio on the light tint. */
export const plainTitle = { title: { color: 'var(--mantine-color-text)' } };

/** An API's lifecycle state as a badge (the same colour for a state on every page). */
export function LifecycleBadge({ state, size = 'sm' }: { state: string; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  return (
    <Badge color={colors[state] ?? 'gray'} variant="dot" size={size}>
      {state}
    </Badge>
  );
}
