// Staged records page by page, for a virtualised table of any length: the first page gives the total,
// later pages load when the table scrolls to them. A new entity or filter starts over.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { isAbort } from '../../api/errors.ts';
import { fetchStaged, type StagedRecord } from '../../api/migrations.ts';

export const PAGE_SIZE = 200;

export interface StagedFilter {
  /** Only records with at least one issue. */
  withIssues: boolean;
  /** Only records with an issue of this code. */
  code: string | null;
}

export interface StagedRows {
  status: 'loading' | 'ready' | 'error';
  total: number;
  /** One entry per record; null where its page has not arrived yet. */
  rows: ReadonlyArray<StagedRecord | null>;
  error: unknown;
  /** Loads the pages that hold rows first to last (the table's rendered window). */
  show(first: number, last: number): void;
  retry(): void;
}

interface State {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, StagedRecord[]>;
  error: unknown;
}

export function useStagedRows(migrationId: number, entity: string, filter: StagedFilter): StagedRows {
  const api = useApi();
  const key = `${migrationId}:${entity}:${filter.withIssues}:${filter.code ?? ''}`;
  const [state, setState] = useState<State>({ key, total: null, pages: new Map(), error: null });
  const [attempt, setAttempt] = useState(0);
  const inflight = useRef(new Set<number>());
  const controller = useRef<AbortController | null>(null);
  const current = state.key === key ? state : { key, total: null, pages: new Map(), error: null };

  const load = useCallback(
    (page: number) => {
      const signal = controller.current?.signal;
      if (!signal || inflight.current.has(page)) return;
      inflight.current.add(page);
      fetchStaged(
        api,
        migrationId,
        entity,
        { offset: page * PAGE_SIZE, limit: PAGE_SIZE, withIssues: filter.withIssues, code: filter.code },
        signal,
      ).then(
        (answer) => {
          if (signal.aborted) return;
          inflight.current.delete(page);
          setState((s) =>
            s.key === key
              ? { ...s, total: answer.total, pages: new Map(s.pages).set(page, answer.records), error: null }
              : s,
          );
        },
        (error: unknown) => {
          if (signal.aborted || isAbort(error)) return;
          inflight.current.delete(page);
          setState((s) => (s.key === key ? { ...s, error } : s));
        },
      );
    },
    [api, migrationId, entity, filter.withIssues, filter.code, key],
  );

  // Each key (and each retry) gets its own requests; the previous ones are dropped.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` only asks for a new start.
  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    inflight.current = new Set();
    setState({ key, total: null, pages: new Map(), error: null });
    load(0);
    return () => c.abort();
  }, [key, load, attempt]);

  const total = current.total ?? 0;
  const rows = useMemo(
    () =>
      Array.from(
        { length: total },
        (_, i) => current.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE] ?? null,
      ),
    [total, current.pages],
  );

  const show = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
        if (!current.pages.has(p)) load(p);
      }
    },
    [current.pages, load],
  );

  const status = current.error ? 'error' : current.total === null ? 'loading' : 'ready';
  return { status, total, rows, error: current.error, show, retry: () => setAttempt((n) => n + 1) };
}
