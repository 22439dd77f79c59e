// The map on screen and every change to it. Each change names the version it was made on; the answer is
// the next version, shown at once. A 409 map_changed (another tab, a new upload) reloads the map and says
// so plainly; any other refusal is shown where the admin acted, nothing on screen lost.
import { useCallback, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import type { ApiClient } from '../../api/client.ts';
import { fetchMap, isStaleMap, type MapView } from '../../api/map.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';

export interface MapEditor {
  query: ReturnType<typeof useApiQuery<MapView>>;
  /** The newest map known: the last change's answer, else the loaded one. */
  view: MapView | null;
  busy: boolean;
  /** Why the last change was refused (stale version or a validation error). */
  problem: { stale: boolean; message: string } | null;
  dismissProblem: () => void;
  /**
   * Runs a change on the current version; on success shows the new map and `done` as a snackbar.
   * Resolves true when the change was taken.
   */
  change: (send: (api: ApiClient, version: number) => Promise<MapView>, done: string) => Promise<boolean>;
  /** Loads the map again while the current one stays on screen (after provisioning). */
  reload: () => Promise<void>;
}

export function useMapEditor(migrationId: number): MapEditor {
  const api = useApi();
  const host = usePanelHost();
  const query = useApiQuery(`map:${migrationId}`, (a, signal) => fetchMap(a, migrationId, signal));
  const [latest, setLatest] = useState<MapView | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<MapEditor['problem']>(null);
  const loaded = query.data;
  const view =
    latest && (!loaded || latest.version >= loaded.version) && latest.migrationId === migrationId
      ? latest
      : loaded;
  const { refresh } = query;

  const change = useCallback<MapEditor['change']>(
    async (send, done) => {
      if (!view) return false;
      setBusy(true);
      setProblem(null);
      try {
        const next = await send(api, view.version);
        setLatest(next);
        await host.notify(done);
        return true;
      } catch (err) {
        if (isStaleMap(err)) {
          setProblem({
            stale: true,
            message:
              'The map changed since you opened it (in another tab, or by a new upload). It has been reloaded: check it and make your change again.',
          });
          setLatest(null);
          await refresh().catch(() => {});
        } else setProblem({ stale: false, message: err instanceof Error ? err.message : String(err) });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [api, host, view, refresh],
  );

  return {
    query,
    view,
    busy,
    problem,
    dismissProblem: () => setProblem(null),
    change,
    reload: async () => {
      setLatest(await fetchMap(api, migrationId));
    },
  };
}
