// The migration's latest run as the server knows it, kept live while it is active: loaded from
// GET …/run (so closing and reopening the panel picks up where the run is), then followed over the
// progress stream; when the stream says the run finished or paused, loaded again.
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import {
  ACTIVE_STATUSES,
  type Counts,
  fetchRunState,
  fetchRuns,
  followRun,
  type Run,
  type RunProgress,
} from '../../api/engine.ts';
import { type QueryControls, type QueryState, useApiQuery } from '../../api/useApiQuery.ts';

export interface LiveRun {
  query: QueryState<unknown> & QueryControls;
  /** The latest run of the kind asked for, with the newest progress applied; null before the first. */
  run: Run | null;
  /** The latest run of any kind (a sample, the full run, a delta or a rollback). */
  latest: Run | null;
  counts: Counts;
  /** The stream lost its connection and is trying again. */
  reconnecting: boolean;
  /** Loads again after an action; the stream follows whatever run is then active. */
  refresh: () => Promise<void>;
}

export function isActive(run: Run | null): boolean {
  return run !== null && ACTIVE_STATUSES.includes(run.status);
}

function withProgress(run: Run | null, live: RunProgress | null): Run | null {
  if (!run || !live || live.runId !== run.id || !isActive(run)) return run;
  return {
    ...run,
    status: live.status,
    requests: live.requests,
    tokens: live.tokens,
    writes: live.writes,
    resumeAt: live.resumeAt,
  };
}

export function useRunState(migrationId: number, kind: string): LiveRun {
  const api = useApi();
  const query = useApiQuery(`run:${migrationId}`, async (a, signal) => {
    const [state, runs] = await Promise.all([
      fetchRunState(a, migrationId, signal),
      fetchRuns(a, migrationId, signal),
    ]);
    return { counts: state.counts, runs };
  });
  const [live, setLive] = useState<RunProgress | null>(null);
  const [reconnecting, setReconnecting] = useState(false);
  const runs = query.data?.runs ?? [];
  // The server lists the newest run first; at most one is active.
  const stored = runs[0] ?? null;
  const ofKind = runs.find((r) => r.kind === kind) ?? null;
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

  const counts =
    live && stored && live.runId === stored.id && isActive(stored) ? live.counts : (query.data?.counts ?? {});
  const reload = useCallback(async () => {
    setLive(null);
    await refresh();
  }, [refresh]);
  return {
    query,
    run: withProgress(ofKind, live),
    latest: withProgress(stored, live),
    counts,
    reconnecting,
    refresh: reload,
  };
}
