import { useQuery } from '@tanstack/react-query';
import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { api, DEVPORTAL } from '@shared/api/client';
import { QueryState } from '@shared/components/QueryState';

interface ApiInfo {
  id: string;
  name: string;
  version: string;
  description?: string;
}

export function CatalogPage() {
  const query = useQuery({
    queryKey: ['apis'],
    queryFn: ({ signal }) => api<{ list: ApiInfo[] }>(`${DEVPORTAL}/apis`, { signal }),
  });
  return (
    <Stack>
      <Title order={2}>APIs</Title>
      <QueryState query={query}>
        {(data) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.list.map((a) => (
              <Card key={a.id} withBorder>
                <Text fw={600}>
                  {a.name} {a.version}
                </Text>
                <Text size="sm" c="dimmed">
                  {a.description}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryState>
    </Stack>
  );
}
