// The sample's diff, record by record, page by page for a virtualised table (`usePagedRows`). A new filter
// or search starts over.
import { type DiffRecord, fetchSampleDiff } from '../../api/engine.ts';
import { PAGE_SIZE, type PagedRows, usePagedRows } from '../../api/usePagedRows.ts';

export type DiffRows = PagedRows<DiffRecord>;

export function useDiffRows(migrationId: number, mismatchesOnly: boolean, search: string): DiffRows {
  return usePagedRows(`${migrationId}:${mismatchesOnly}:${search}`, (api, page, signal) =>
    fetchSampleDiff(
      api,
      migrationId,
      { page: page + 1, pageSize: PAGE_SIZE, mismatchesOnly, search },
      signal,
    ),
  );
}
