import { Title } from '@mantine/core';

export function ServiceDetailPage() {
  return <Title order={2}>ServiceDetailPage</Title>;
}
