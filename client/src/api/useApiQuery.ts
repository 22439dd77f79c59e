import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from './ApiProvider.tsx';
import type { ApiClient } from './client.ts';
import { isAbort } from './errors.ts';

export type QueryState<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'success'; data: T; error: null }
  | { status: 'error'; data: null; error: unknown };

export interface QueryControls {
  /** Loads again from scratch, showing the loading state (after an error: "Try again"). */
  reload: () => void;
  /**
   * Loads again while the current data stays on screen (after a change the screen made itself).
   * Rejects with the error, and leaves the shown data as it was, when the load fails.
   */
  refresh: () => Promise<void>;
}

/**
 * Loads data for a screen and tracks loading / success / error. `key` names what is loaded: when it
 * changes the load runs again, and a stale answer is dropped (its request is aborted).
 */
export function useApiQuery<T>(
  key: string,
  load: (api: ApiClient, signal: AbortSignal) => Promise<T>,
): QueryState<T> & QueryControls {
  const api = useApi();
  const [state, setState] = useState<QueryState<T>>({ status: 'loading', data: null, error: null });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef({ key, load });
  latest.current = { key, load };
  // `load` is usually an inline function: the key, not its identity, decides when to load again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above.
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading', data: null, error: null });
    load(api, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'success', data, error: null });
      },
      (error: unknown) => {
        if (!controller.signal.aborted && !isAbort(error)) setState({ status: 'error', data: null, error });
      },
    );
    return () => controller.abort();
  }, [api, key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const refresh = useCallback(async () => {
    const { key: startedFor, load: current } = latest.current;
    const data = await current(api, new AbortController().signal);
    // An answer for what the screen showed before the key changed is dropped.
    if (latest.current.key === startedFor) setState({ status: 'success', data, error: null });
  }, [api]);
  return { ...state, reload, refresh };
}
