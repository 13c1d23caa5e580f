// Searching and paging a list held in memory: the Admin API answers whole collections.
import { useMemo, useState } from 'react';

export const PAGE_SIZE = 25;

/** Items whose `text(item)` contains the search (case-insensitive), a page at a time. */
export function usePagedSearch<T>(items: T[] | undefined, text: (item: T) => string) {
  const [search, setSearchValue] = useState('');
  const [page, setPage] = useState(1);
  const filtered = useMemo(() => {
    const all = items ?? [];
    const needle = search.trim().toLowerCase();
    return needle ? all.filter((i) => text(i).toLowerCase().includes(needle)) : all;
    // `text` is a field picker declared inline by the caller; the list and the search decide.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, search]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  return {
    search,
    setSearch: (s: string) => {
      setSearchValue(s);
      setPage(1);
    },
    page: current,
    setPage,
    pages,
    total: filtered.length,
    items: filtered.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE),
  };
}
