// A list the server searches and pages: the search box (a new search starts at the first page), the
// table (dimmed while the next page loads, scrolling sideways on narrow screens) and the page numbers.
import { useState, type ReactNode } from 'react';
import { Pagination, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { QueryState } from '@shared/components/QueryState';

export const PAGE_SIZE = 25;

/** One page of a collection as the Publisher API answers it. */
export interface ServerPage<T> {
  count: number;
  list: T[];
  pagination?: { total: number };
}

export interface ServerPaging<T> {
  /** What the search box holds. */
  search: string;
  setSearch: (search: string) => void;
  /** The search the server was asked: trimmed and settled for a moment. */
  searched: string;
  page: number;
  setPage: (page: number) => void;
  query: UseQueryResult<ServerPage<T>>;
}

/** Asks the server for the page shown, under `key` followed by the search and the page number. */
export function useServerPaging<T>(
  key: readonly unknown[],
  fetchPage: (
    search: string,
    window: { limit: number; offset: number },
    signal: AbortSignal,
  ) => Promise<ServerPage<T>>,
): ServerPaging<T> {
  const [search, setSearch] = useState('');
  const [searched] = useDebouncedValue(search.trim(), 200);
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: [...key, searched, page],
    queryFn: ({ signal }) =>
      fetchPage(searched, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  return {
    search,
    setSearch: (s) => {
      setSearch(s);
      setPage(1);
    },
    searched,
    page,
    setPage,
    query,
  };
}

export function PagedTable<T>({
  paging,
  searchLabel,
  searchPlaceholder,
  loadingLabel,
  empty,
  minWidth,
  head,
  row,
}: {
  paging: ServerPaging<T>;
  searchLabel: string;
  searchPlaceholder: string;
  loadingLabel: string;
  /** What the page says when nothing is found (or there is nothing yet). */
  empty: string;
  minWidth: number;
  /** The header row's cells. */
  head: ReactNode;
  /** An item's row, with its key. */
  row: (item: T) => ReactNode;
}) {
  const { query, page, setPage } = paging;
  const total = query.data?.pagination?.total ?? query.data?.count ?? 0;
  return (
    <>
      <TextInput
        label={searchLabel}
        placeholder={searchPlaceholder}
        leftSection={<IconSearch size={16} />}
        value={paging.search}
        onChange={(e) => paging.setSearch(e.currentTarget.value)}
        maw={420}
      />
      <QueryState query={query} label={loadingLabel}>
        {(data) =>
          data.list.length === 0 ? (
            <Text c="dimmed">{empty}</Text>
          ) : (
            <>
              <Table.ScrollContainer minWidth={minWidth}>
                <Table
                  highlightOnHover
                  verticalSpacing="xs"
                  style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}
                >
                  <Table.Thead>
                    <Table.Tr>{head}</Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>{data.list.map(row)}</Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {total > PAGE_SIZE && (
                <Pagination
                  total={Math.ceil(total / PAGE_SIZE)}
                  value={page}
                  onChange={setPage}
                  getControlProps={(c) => ({ 'aria-label': `${c} page` })}
                />
              )}
            </>
          )
        }
      </QueryState>
    </>
  );
}
