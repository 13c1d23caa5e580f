// The frame of a list page: a title, a line on what the list is, a search box, a create button,
// the table (scrolling sideways on narrow screens) and the pages.
import type { ReactNode } from 'react';
import { Button, Group, Pagination, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { PAGE_SIZE } from './paging';

export interface Paged {
  search: string;
  setSearch: (s: string) => void;
  page: number;
  setPage: (p: number) => void;
  pages: number;
  total: number;
}

export function PageHeader({
  title,
  description,
  action,
}: {
  title: string;
  description?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
      <div>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm" maw={720}>
            {description}
          </Text>
        )}
      </div>
      {action}
    </Group>
  );
}

export function CreateButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button leftSection={<IconPlus size={16} />} onClick={onClick}>
      {label}
    </Button>
  );
}

/** Search box, table and pagination of a list. `head` is the header row's cells. */
export function ListTable({
  paged,
  searchLabel,
  head,
  children,
  empty,
  minWidth = 640,
}: {
  paged: Paged;
  searchLabel: string;
  head: ReactNode;
  children: ReactNode;
  empty: string;
  minWidth?: number;
}) {
  return (
    <Stack gap="sm">
      <TextInput
        aria-label={searchLabel}
        placeholder={searchLabel}
        leftSection={<IconSearch size={16} />}
        value={paged.search}
        onChange={(e) => paged.setSearch(e.currentTarget.value)}
        maw={420}
      />
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>{head}</Table.Tr>
          </Table.Thead>
          <Table.Tbody>{children}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {paged.total === 0 && (
        <Text c="dimmed" size="sm">
          {paged.search ? `Nothing matches "${paged.search}".` : empty}
        </Text>
      )}
      {paged.total > PAGE_SIZE && (
        <Group justify="space-between" wrap="wrap">
          <Text size="sm" c="dimmed">
            {paged.total} in all
          </Text>
          <Pagination
            total={paged.pages}
            value={paged.page}
            onChange={paged.setPage}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
          />
        </Group>
      )}
    </Stack>
  );
}
