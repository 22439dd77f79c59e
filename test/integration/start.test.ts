import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, run, startUntil } from '../helpers/spawn.ts';

const SERVER = ['--import', 'tsx', 'server/index.ts'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'actimo-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('starting the server', () => {
  it('stops with one line naming PORT when PORT is wrong', async () => {
    const r = await run(SERVER, { PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")\n',
    );
  });

  it('stops with one line naming DATABASE_URL when it has a wrong scheme', async () => {
    const r = await run(SERVER, { DATABASE_URL: 'mongodb://x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Configuration error: DATABASE_URL must start with sqlite: or postgres:// (got "mongodb:…")\n',
    );
  });

  it('stops with one line naming DATABASE_URL when the database does not answer', async () => {
    const r = await run(SERVER, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Configuration error: DATABASE_URL: cannot open PostgreSQL: .*ECONNREFUSED/);
  });

  it('creates its SQLite file, migrates, serves ready, and stops cleanly on SIGTERM', async () => {
    const db = path.join(dir, 'nested', 'app.sqlite');
    const { child, match } = await startUntil(
      SERVER,
      { PORT: '0', DATABASE_URL: `sqlite:${db}`, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info' },
      /listening on http:\/\/localhost:(\d+)/,
    );
    const ready = await fetch(`http://127.0.0.1:${match[1]}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'sqlite' });
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('with no Pipedrive credentials, starts the demo sandbox on 127.0.0.1 and says so in the log and the session', async () => {
    const dataDir = path.join(dir, 'demo-data');
    const { child, match } = await startUntil(
      SERVER,
      {
        PORT: '0',
        DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
      /listening on http:\/\/localhost:(\d+), writing to a local Pipedrive sandbox at (http:\/\/127\.0\.0\.1:\d+) \(demo data; nothing is written to Pipedrive\)/,
    );
    try {
      const session = await (await fetch(`http://127.0.0.1:${match[1]}/api/session`)).json();
      expect(session).toMatchObject({
        pipedriveTarget: 'sandbox',
        pipedriveNotice: `Demo mode: writes go to a local Pipedrive sandbox at ${match[2]}, not to Pipedrive.`,
      });
      const companies = (await (await fetch(`${match[2]}/__sandbox/companies`)).json()) as { name: string }[];
      expect(companies.map((c) => c.name)).toEqual(['Demo Company (sandbox)']);
      expect((await fetch(`${match[2]}/api/v2/persons`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe(0);
    const snapshot = JSON.parse(readFileSync(path.join(dataDir, 'sandbox.json'), 'utf8'));
    expect(snapshot.companies[0].info.name).toBe('Demo Company (sandbox)');
  });

  it('stops with one line naming SANDBOX_PORT when that port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await run(SERVER, {
        PORT: '0',
        SANDBOX_PORT: String(port),
        DATABASE_URL: `sqlite:${path.join(dir, 'blocked.sqlite')}`,
        DATA_DIR: path.join(dir, 'blocked-data'),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Configuration error: SANDBOX_PORT ${port} is already in use\n`);
    } finally {
      blocker.close();
    }
  });
});
