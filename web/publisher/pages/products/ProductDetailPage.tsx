import { Title } from '@mantine/core';

export function ProductDetailPage() {
  return <Title order={2}>ProductDetailPage</Title>;
}
