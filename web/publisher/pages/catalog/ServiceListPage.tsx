import { Title } from '@mantine/core';

export function ServiceListPage() {
  return <Title order={2}>ServiceListPage</Title>;
}
