// The migration's latest run as the server knows it, kept live while it is active: loaded from
// GET …/run (so closing and reopening the panel picks up where the run is), then followed over the
// progress stream; when the stream says the run finished or paused, loaded again.
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import {
  ACTIVE_STATUSES,
  type Counts,
  fetchRunState,
  followRun,
  type Run,
  type RunProgress,
} from '../../api/engine.ts';
import { type QueryControls, type QueryState, useApiQuery } from '../../api/useApiQuery.ts';

export interface LiveRun {
  query: QueryState<unknown> & QueryControls;
  /** The latest run with the newest progress applied, or null before the first run. */
  run: Run | null;
  counts: Counts;
  /** The stream lost its connection and is trying again. */
  reconnecting: boolean;
  /** Loads again after an action; the stream follows whatever run is then active. */
  refresh: () => Promise<void>;
}

export function isActive(run: Run | null): boolean {
  return run !== null && ACTIVE_STATUSES.includes(run.status);
}

export function useRunState(migrationId: number): LiveRun {
  const api = useApi();
  const query = useApiQuery(`run:${migrationId}`, (a, signal) => fetchRunState(a, migrationId, signal));
  const [live, setLive] = useState<RunProgress | null>(null);
  const [reconnecting, setReconnecting] = useState(false);
  const stored = query.data?.run ?? null;
  const followId = isActive(stored) ? stored?.id : undefined;
  const { refresh } = query;

  useEffect(() => {
    if (followId === undefined) return;
    const stream = followRun(api, migrationId, {
      onProgress: (p) => {
        setReconnecting(false);
        if (p.runId === followId) setLive(p);
      },
      onDone: () => {
        refresh().catch(() => {});
      },
      onError: (_error, retrying) => setReconnecting(retrying),
    });
    // The stream ends by itself (204) once no run is active: load the final state then.
    let closed = false;
    stream.done.then(
      () => {
        if (!closed) refresh().catch(() => {});
      },
      () => {},
    );
    return () => {
      closed = true;
      stream.close();
    };
  }, [api, migrationId, followId, refresh]);

  const run =
    stored && live && live.runId === stored.id && ACTIVE_STATUSES.includes(stored.status)
      ? {
          ...stored,
          status: live.status,
          requests: live.requests,
          tokens: live.tokens,
          writes: live.writes,
          resumeAt: live.resumeAt,
        }
      : stored;
  const counts =
    live && stored && live.runId === stored.id && isActive(stored) ? live.counts : (query.data?.counts ?? {});
  const reload = useCallback(async () => {
    setLive(null);
    await refresh();
  }, [refresh]);
  return { query, run, counts, reconnecting, refresh: reload };
}
