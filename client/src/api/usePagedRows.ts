// Rows page by page, for a virtualised table of any length (the sample's diff, the staged records): the
// first page gives the total, later pages load when the table scrolls to them. `key` names what is listed
// (the migration, the filter, the search): a new key starts over and drops the previous requests.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from './ApiProvider.tsx';
import type { ApiClient } from './client.ts';
import { isAbort } from './errors.ts';

export const PAGE_SIZE = 200;

export interface PagedRows<T> {
  status: 'loading' | 'ready' | 'error';
  total: number;
  /** One entry per row; null where its page has not arrived yet. */
  rows: ReadonlyArray<T | null>;
  error: unknown;
  /** Loads the pages that hold rows first to last (the table's rendered window). */
  show(first: number, last: number): void;
  retry(): void;
}

/** One page: `page` counts from 0, `PAGE_SIZE` rows a page. */
export type FetchPage<T> = (
  api: ApiClient,
  page: number,
  signal: AbortSignal,
) => Promise<{ total: number; records: T[] }>;

interface State<T> {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, T[]>;
  error: unknown;
}

export function usePagedRows<T>(key: string, fetchPage: FetchPage<T>): PagedRows<T> {
  const api = useApi();
  const [state, setState] = useState<State<T>>({ key, total: null, pages: new Map(), error: null });
  const [attempt, setAttempt] = useState(0);
  const inflight = useRef(new Set<number>());
  const controller = useRef<AbortController | null>(null);
  // `fetchPage` is usually an inline function: the key, not its identity, decides when to start over.
  const latest = useRef(fetchPage);
  latest.current = fetchPage;
  const current: State<T> = state.key === key ? state : { key, total: null, pages: new Map(), error: null };

  const load = useCallback(
    (page: number) => {
      const signal = controller.current?.signal;
      if (!signal || inflight.current.has(page)) return;
      inflight.current.add(page);
      latest.current(api, page, signal).then(
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
    [api, key],
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
