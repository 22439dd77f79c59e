// The uploads of one migration, one request at a time: files dropped while an upload runs wait for
// it (the server re-reads the whole migration after each upload, so two at once would only race).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { isAbort } from '../../api/errors.ts';
import { type FileResult, fileResultsOf, uploadExports } from '../../api/migrations.ts';

export type BatchStatus = 'waiting' | 'sending' | 'reading' | 'done' | 'failed' | 'cancelled';

export interface Batch {
  id: number;
  files: File[];
  status: BatchStatus;
  /** Bytes of the request body sent so far, of `total`. */
  loaded: number;
  total: number;
  /** What the server recognised, per file, sheet or zip entry (also when every file failed). */
  results: FileResult[] | null;
  /** Why the upload as a whole failed. */
  error: unknown;
}

export interface UploadQueue {
  batches: Batch[];
  add(files: File[]): void;
  cancel(id: number): void;
  dismiss(id: number): void;
  busy: boolean;
  /** How many uploads have finished or failed so far: screens showing the files load them again on a change. */
  settled: number;
}

/** `onSettled` runs after each upload that may have changed the migration (finished or failed). */
export function useUploadQueue(migrationId: number, onSettled: () => void): UploadQueue {
  const api = useApi();
  const [batches, setBatches] = useState<Batch[]>([]);
  const [settledCount, setSettled] = useState(0);
  const nextId = useRef(1);
  const controllers = useRef(new Map<number, AbortController>());
  // An effect may run twice for one render (React's StrictMode); a batch is only ever sent once.
  const started = useRef(new Set<number>());
  const settled = useRef(onSettled);
  settled.current = onSettled;

  const update = useCallback((id: number, change: Partial<Batch>) => {
    setBatches((list) => list.map((b) => (b.id === id ? { ...b, ...change } : b)));
  }, []);

  const running = batches.some((b) => b.status === 'sending' || b.status === 'reading');
  const next = batches.find((b) => b.status === 'waiting');

  useEffect(() => {
    if (running || !next || started.current.has(next.id)) return;
    started.current.add(next.id);
    const controller = new AbortController();
    controllers.current.set(next.id, controller);
    update(next.id, { status: 'sending' });
    uploadExports(api, migrationId, next.files, {
      signal: controller.signal,
      onProgress: ({ loaded, total }) =>
        // Once every byte is out, the server is reading the files: that can take a while.
        update(next.id, { loaded, total, ...(loaded >= total ? { status: 'reading' } : {}) }),
    })
      .then(
        (result) => {
          update(next.id, { status: 'done', results: result.files, error: null });
          setSettled((n) => n + 1);
          settled.current();
        },
        (error: unknown) => {
          if (isAbort(error)) {
            update(next.id, { status: 'cancelled' });
            return;
          }
          update(next.id, { status: 'failed', error, results: fileResultsOf(error) });
          setSettled((n) => n + 1);
          settled.current();
        },
      )
      .finally(() => controllers.current.delete(next.id));
  }, [api, migrationId, running, next, update]);

  // Leaving the migration stops what is still being sent.
  useEffect(() => {
    const open = controllers.current;
    return () => {
      for (const c of open.values()) c.abort();
    };
  }, []);

  const add = useCallback((files: File[]) => {
    const total = files.reduce((n, f) => n + f.size, 0);
    const batch: Batch = {
      id: nextId.current++,
      files,
      status: 'waiting',
      loaded: 0,
      total,
      results: null,
      error: null,
    };
    setBatches((list) => [...list, batch]);
  }, []);

  const cancel = useCallback(
    (id: number) => {
      const controller = controllers.current.get(id);
      if (controller) controller.abort();
      else update(id, { status: 'cancelled' });
    },
    [update],
  );

  const dismiss = useCallback((id: number) => setBatches((list) => list.filter((b) => b.id !== id)), []);

  return { batches, add, cancel, dismiss, busy: running || next !== undefined, settled: settledCount };
}
