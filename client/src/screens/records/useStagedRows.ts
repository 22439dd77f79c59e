// Staged records page by page, for a virtualised table of any length (`usePagedRows`). A new entity or
// filter starts over.
import { fetchStaged, type StagedRecord } from '../../api/migrations.ts';
import { PAGE_SIZE, type PagedRows, usePagedRows } from '../../api/usePagedRows.ts';

export interface StagedFilter {
  /** Only records with at least one issue. */
  withIssues: boolean;
  /** Only records with an issue of this code. */
  code: string | null;
}

export type StagedRows = PagedRows<StagedRecord>;

export function useStagedRows(migrationId: number, entity: string, filter: StagedFilter): StagedRows {
  const { withIssues, code } = filter;
  return usePagedRows(`${migrationId}:${entity}:${withIssues}:${code ?? ''}`, (api, page, signal) =>
    fetchStaged(
      api,
      migrationId,
      entity,
      { offset: page * PAGE_SIZE, limit: PAGE_SIZE, withIssues, code },
      signal,
    ),
  );
}
