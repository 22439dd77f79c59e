// The sandbox's public surface: start it on a port (tests use port 0), or build the app to mount it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxApp } from './app.ts';
import { Sandbox, type SandboxOptions } from './sandbox.ts';
import { persist, readSnapshot } from './snapshot.ts';

export { SandboxClock } from './clock.ts';
export type { ScriptedFault } from './faults.ts';
export type { LoggedRequest } from './request-log.ts';
export type { AddedCompany, NewCompany, NewUser, SandboxMode, SandboxOptions } from './sandbox.ts';
export { Sandbox } from './sandbox.ts';
export type { SandboxSettings } from './settings.ts';
export type { Delivery, WebhookPayload } from './webhooks.ts';
export { createSandboxApp };

export interface StartSandboxOptions extends SandboxOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Load state from this JSON file if it exists, and keep it up to date. */
  snapshotFile?: string;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4010 (v2 at `${url}/api/v2`, v1 at `${url}/api/v1` and `${url}/v1`). */
  url: string;
  sandbox: Sandbox;
  close(): Promise<void>;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = new Sandbox(options);
  const snapshot = options.snapshotFile ? readSnapshot(options.snapshotFile) : undefined;
  if (snapshot) sandbox.load(snapshot);
  const persistence = options.snapshotFile ? persist(sandbox, options.snapshotFile) : undefined;
  const app = createSandboxApp(sandbox);
  const host = options.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  // Many clients keep connections alive; the sandbox must not be the one to break them mid-benchmark.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  sandbox.baseUrl = url;
  let closed: Promise<void> | undefined;
  return {
    url,
    sandbox,
    close: () => {
      closed ??= (async () => {
        persistence?.stop();
        persistence?.flush();
        sandbox.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await sandbox.webhooks.settled();
      })();
      return closed;
    },
  };
}
