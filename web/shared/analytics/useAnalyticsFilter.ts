// The dashboard's filter, kept in the URL's search parameters so a view can be linked and the
// browser's Back goes to the previous one.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { filterFromSearch, searchWithFilter, type AnalyticsFilter } from './range';

export function useAnalyticsFilter(): [AnalyticsFilter, (next: AnalyticsFilter) => void] {
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const update = useCallback(
    (next: AnalyticsFilter) => setSearch((current) => searchWithFilter(current, next)),
    [setSearch],
  );
  return [filter, update];
}
