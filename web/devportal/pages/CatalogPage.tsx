// The catalog: every published API and API product as a card, searched with the product's search
// syntax, filtered by tag and category, paged in the browser after one fetch.
import { useState } from 'react';
import { Link } from 'react-router';
import {
  Anchor,
  Badge,
  Card,
  Group,
  Loader,
  Pagination,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { Loading } from '@shared/components/QueryState';
import { useApis, useCategories, useTags } from '../api/queries';
import type { ApiInfo } from '../api/types';
import { ApiThumbnail } from '../components/ApiThumbnail';
import { LoadError } from '../components/SignInNotice';

export const PAGE_SIZE = 24;

/** A search term for `field:value`, quoted when the value holds a space. */
function term(field: string, value: string): string {
  return value.includes(' ') ? `${field}:"${value}"` : `${field}:${value}`;
}

/** The product's search query for the user's text, tag and category. */
export function catalogQuery(text: string, tag: string | null, category: string | null): string {
  return [text.trim(), tag ? term('tag', tag) : '', category ? term('api-category', category) : '']
    .filter(Boolean)
    .join(' ');
}

export function ApiCard({ api }: { api: ApiInfo }) {
  const product = api.type === 'APIPRODUCT';
  return (
    <Card withBorder padding="md" radius="md" component="article" aria-labelledby={`api-${api.id}`}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <ApiThumbnail api={api} />
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Anchor
            component={Link}
            to={`/apis/${api.id}`}
            fw={600}
            id={`api-${api.id}`}
            style={{ overflowWrap: 'anywhere' }}
          >
            {api.name}
          </Anchor>
          <Group gap={6}>
            <Text size="sm" c="dimmed">
              {api.version}
            </Text>
            {product && (
              <Badge size="sm" variant="light" color="grape.9">
                Product
              </Badge>
            )}
            {api.lifeCycleStatus && api.lifeCycleStatus !== 'PUBLISHED' && (
              <Badge size="sm" variant="default">
                {api.lifeCycleStatus.toLowerCase()}
              </Badge>
            )}
          </Group>
        </Stack>
      </Group>
      {api.description && (
        <Text size="sm" mt="sm" lineClamp={3} style={{ overflowWrap: 'anywhere' }}>
          {api.description}
        </Text>
      )}
      {(api.tags?.length ?? 0) > 0 && (
        <Group gap={4} mt="sm">
          {api.tags!.map((t) => (
            <Badge key={t} size="xs" variant="default">
              {t}
            </Badge>
          ))}
        </Group>
      )}
    </Card>
  );
}

export function CatalogPage() {
  const [text, setText] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [debounced] = useDebouncedValue(text, 200);
  const query = catalogQuery(debounced, tag, category);
  const apis = useApis(query);
  const tags = useTags();
  const categories = useCategories();

  const list = apis.data?.list ?? [];
  const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = list.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const tagOptions = (tags.data?.list ?? []).map((t) => ({
    value: t.value,
    label: `${t.value} (${t.count})`,
  }));
  const categoryOptions = (categories.data?.list ?? []).map((c) => c.name);

  return (
    <Stack>
      <Title order={2}>APIs</Title>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Name, or name: tag: context: provider: version:"
          leftSection={<IconSearch size={16} />}
          rightSection={
            apis.isFetching && apis.isPlaceholderData ? (
              <Loader size={14} role="status" aria-label="Searching" />
            ) : null
          }
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setPage(1);
          }}
          style={{ flex: '1 1 16rem' }}
        />
        <Select
          label="Tag"
          placeholder={tags.isError ? 'Tags unavailable' : 'Any tag'}
          data={tagOptions}
          value={tag}
          onChange={(v) => {
            setTag(v);
            setPage(1);
          }}
          disabled={tags.isError}
          searchable
          clearable
          w={{ base: '100%', xs: 200 }}
        />
        <Select
          label="Category"
          placeholder={categories.isError ? 'Categories unavailable' : 'Any category'}
          data={categoryOptions}
          value={category}
          onChange={(v) => {
            setCategory(v);
            setPage(1);
          }}
          disabled={categories.isError}
          searchable
          clearable
          w={{ base: '100%', xs: 200 }}
        />
      </Group>
      {apis.isPending ? (
        <Loading label="Loading APIs" />
      ) : apis.isError ? (
        <LoadError
          error={apis.error}
          onRetry={() => void apis.refetch()}
          title="The APIs could not be loaded"
        />
      ) : list.length === 0 ? (
        <Text c="dimmed">{query ? 'No API matches this search.' : 'No API is published yet.'}</Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {list.length === 1 ? '1 API' : `${list.length} APIs`}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {shown.map((a) => (
              <ApiCard key={a.id} api={a} />
            ))}
          </SimpleGrid>
          {pages > 1 && (
            <Group justify="center">
              <Pagination
                total={pages}
                value={current}
                onChange={setPage}
                getControlProps={(c) => ({ 'aria-label': `${c} page` })}
                getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
              />
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
