import { Title } from '@mantine/core';

export function ProductListPage() {
  return <Title order={2}>ProductListPage</Title>;
}
