// Keeps a sandbox's state in a JSON file so demo data survives a restart: loaded at start, written
// (atomically, debounced) after changes and once more on close.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sandbox, SandboxDump } from './sandbox.ts';

/** Write at most this often; a big company takes a while to serialise, so the pause grows with it. */
const MIN_INTERVAL_MS = 250;

export function readSnapshot(file: string): SandboxDump | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as SandboxDump;
  } catch {
    throw new Error(`sandbox snapshot ${file} is not valid JSON; move it away to start fresh`);
  }
}

export function writeSnapshot(file: string, dump: SandboxDump): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(dump), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Persists the sandbox to `file` after changes; returns a flush function for shutdown. */
export function persist(sandbox: Sandbox, file: string): { flush(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let interval = MIN_INTERVAL_MS;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const started = performance.now();
    writeSnapshot(file, sandbox.dump());
    // Spend at most ~10% of the time writing snapshots while a migration writes to the sandbox.
    interval = Math.max(MIN_INTERVAL_MS, (performance.now() - started) * 10);
  };
  const off = sandbox.onChange(() => {
    if (timer) return;
    timer = setTimeout(flush, interval);
    timer.unref();
  });
  return {
    flush,
    stop: () => {
      off();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
