import { Title } from '@mantine/core';

export function ProductCreatePage() {
  return <Title order={2}>ProductCreatePage</Title>;
}
