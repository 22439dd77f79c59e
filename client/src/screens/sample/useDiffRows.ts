// The sample's diff, record by record, page by page for a virtualised table: the first page gives the
// total, later pages load when the table scrolls to them. A new filter or search starts over.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { type DiffRecord, fetchSampleDiff } from '../../api/engine.ts';
import { isAbort } from '../../api/errors.ts';

export const DIFF_PAGE_SIZE = 200;

export interface DiffRows {
  status: 'loading' | 'ready' | 'error';
  total: number;
  rows: ReadonlyArray<DiffRecord | null>;
  error: unknown;
  show(first: number, last: number): void;
  retry(): void;
}

interface State {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, DiffRecord[]>;
  error: unknown;
}

export function useDiffRows(migrationId: number, mismatchesOnly: boolean, search: string): DiffRows {
  const api = useApi();
  const key = `${migrationId}:${mismatchesOnly}:${search}`;
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
      fetchSampleDiff(
        api,
        migrationId,
        { page: page + 1, pageSize: DIFF_PAGE_SIZE, mismatchesOnly, search },
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
    [api, migrationId, mismatchesOnly, search, key],
  );

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
        (_, i) => current.pages.get(Math.floor(i / DIFF_PAGE_SIZE))?.[i % DIFF_PAGE_SIZE] ?? null,
      ),
    [total, current.pages],
  );
  const show = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / DIFF_PAGE_SIZE); p <= Math.floor(last / DIFF_PAGE_SIZE); p++) {
        if (!current.pages.has(p)) load(p);
      }
    },
    [current.pages, load],
  );
  const status = current.error ? 'error' : current.total === null ? 'loading' : 'ready';
  return { status, total, rows, error: current.error, show, retry: () => setAttempt((n) => n + 1) };
}
