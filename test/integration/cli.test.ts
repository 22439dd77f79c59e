import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { run } from '../helpers/spawn.ts';

const CLI = ['bin/actimo-pipedrive.js'];

describe('actimo-pipedrive CLI', () => {
  it('prints help', async () => {
    const r = await run([...CLI, '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: actimo-pipedrive [options] [command]');
    expect(r.stdout).toContain('--json');
  });

  it('exits 2 on an unknown command', async () => {
    const r = await run([...CLI, 'teleport'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'teleport'");
  });

  it('prints a configuration error as JSON with --json', async () => {
    const r = await run([...CLI, 'db', 'status', '--json'], { DATABASE_URL: 'ftp://x' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'config_error',
        message: 'DATABASE_URL must start with sqlite: or postgres:// (got "ftp:…")',
      },
    });
  });
});

describe.each(ENGINES)('actimo-pipedrive db on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine, { migrate: false });
  });
  afterAll(async () => t.destroy());

  it('migrates, reports status and rolls back, as JSON', async () => {
    const up = await run([...CLI, 'db', 'migrate', '--json'], { DATABASE_URL: t.url });
    expect(up.code).toBe(0);
    const applied = JSON.parse(up.stdout).applied as string[];
    expect(applied[0]).toBe('20261125000000_create_companies.ts');

    const status = await run([...CLI, '--json', 'db', 'status'], { DATABASE_URL: t.url });
    expect(JSON.parse(status.stdout)).toEqual({ applied, pending: [] });

    const down = await run([...CLI, 'db', 'rollback', '--all'], { DATABASE_URL: t.url });
    expect(down.stdout).toBe(`Reverted ${applied.length}: ${[...applied].reverse().join(', ')}\n`);
  });
});
