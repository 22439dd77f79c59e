import { mkdtempSync, rmSync } from 'node:fs';
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
      { PORT: '0', DATABASE_URL: `sqlite:${db}`, LOG_LEVEL: 'info' },
      /listening on http:\/\/localhost:(\d+)/,
    );
    const ready = await fetch(`http://127.0.0.1:${match[1]}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'sqlite' });
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});
