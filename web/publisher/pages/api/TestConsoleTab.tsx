import { Text } from '@mantine/core';
import type { ApiTabProps } from './tabs';

export function TestConsoleTab({ api }: ApiTabProps) {
  return <Text c="dimmed">{api.name}</Text>;
}
