// Delta from Actimo against the sandbox: after the full run, a person edits a migrated person in
// Pipedrive; a newer users export (one user changed, one gone, one new) is uploaded into the migration,
// previewed and applied as an engine run of kind delta: only changed fields are sent, the field the human
// changed is held back and reported (keep_pipedrive) until an `overwrite` delta, the gone user is flagged
// and left in Pipedrive, the new user is created, and the echo of the delta's own writes is ignored.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';

describe.each(ENGINES)('a delta from a newer Actimo export on %s', (engine) => {
  let h: MigrationHarness;
  const db = () => h.app.testDb.db;
  const api = () => `/api/migrations/${h.migrationId}`;
  const sandboxPerson = (id: number) =>
    h.sb.sandbox.state(h.sb.companyId).persons.records.find((p) => p.id === id)!;
  const record = (actimoKey: string) =>
    db()('migration_records')
      .where({ migration_id: h.migrationId, entity: 'person', actimo_key: actimoKey })
      .first();
  let rows: string[][];
  let header: string;

  beforeAll(async () => {
    const port = await freePort();
    h = await migrationHarness(engine, {
      users: 12,
      seed: 5,
      port,
      env: { PUBLIC_URL: `http://127.0.0.1:${port}` },
    });
    const run = await h.service.startFull(1, h.migrationId);
    expect(await h.engine().execute(1, run.id)).toBe('completed');
    await h.app.services.delta.goLive(1, h.migrationId);
    const text = readFileSync(path.join(h.app.config.dataDir, 'export', 'users.csv'), 'utf8').trimEnd();
    const [head, ...body] = text.split(/\r?\n/);
    header = head!;
    rows = body.map((l) => l.split(','));
  }, 120_000);
  afterAll(async () => h?.close());

  it('holds back the field a human changed, sends only changed fields, flags the gone user and creates the new one', async () => {
    const [a, b, gone] = [rows[0]!, rows[1]!, rows[2]!];
    const recA = await record(a[0]!);
    // A person renames A in Pipedrive; the webhook records it.
    h.sb.sandbox.clock.advance(60_000);
    h.sb.sandbox.human.update(h.sb.companyId, 'person', Number(recA.pipedrive_id), {
      name: 'Renamed By Hand',
    });
    await h.sb.sandbox.webhooks.settled();
    await h.app.services.webhooks.drain();
    expect(JSON.parse((await record(a[0]!)).human_fields)).toEqual(['name']);

    // The newer export: A gets a new first name and job title, B a new job title, one user is gone, one is new.
    const newer = rows
      .filter((r) => r !== gone)
      .map((r) =>
        r === a
          ? [r[0], 'Annelise', r[2], r[3], r[4], 'Night Manager', ...r.slice(6)]
          : r === b
            ? [...r.slice(0, 5), 'Forklift Lead', ...r.slice(6)]
            : r,
      );
    newer.push([
      '100099',
      'Nyt',
      'Menneske',
      'new99@example.dk',
      '+45 20000099',
      'Tester',
      'HR',
      '9001',
      '2024-03-01',
    ]);
    const file = path.join(h.app.config.dataDir, 'users-newer.csv');
    writeFileSync(file, `${header}\r\n${newer.map((r) => r.join(',')).join('\r\n')}\r\n`);
    await h.app.http.post(`${api()}/files`).attach('file', file, 'users.csv').expect(201);

    const preview = (await h.app.http.post(`${api()}/delta/preview`).send({}).expect(200)).body;
    expect(preview.policy).toBe('keep_pipedrive');
    expect(preview.newerFiles.map((f: { kind: string }) => f.kind)).toEqual(['users']);
    expect(preview.counts).toEqual({ created: 1, updated: 2, heldBack: 1, gone: 1, deletedInPipedrive: 0 });
    expect(preview.persons.created.map((c: { actimoId: string }) => c.actimoId)).toEqual(['100099']);
    expect(preview.persons.gone.map((g: { actimoId: string }) => g.actimoId)).toEqual([gone[0]]);
    const updated = Object.fromEntries(
      preview.persons.updated.map(
        (u: {
          actimoId: string;
          fields: Array<{ key: string; to: unknown }>;
          heldBack: Array<{ key: string }>;
        }) => [
          u.actimoId,
          { fields: u.fields.map((f) => [f.key, f.to]), held: u.heldBack.map((f) => f.key) },
        ],
      ),
    );
    expect(updated).toEqual({
      [a[0]!]: {
        fields: [
          ['name', `Annelise ${a[2]}`],
          ['job_title', 'Night Manager'],
        ],
        held: ['name'],
      },
      [b[0]!]: { fields: [['job_title', 'Forklift Lead']], held: [] },
    });

    const { run } = (await h.app.http.post(`${api()}/delta/apply`).send({}).expect(202)).body;
    expect(run.kind).toBe('delta');
    expect(await h.engine().execute(1, run.id)).toBe('completed');

    const pa = sandboxPerson(Number(recA.pipedrive_id));
    expect([pa.name, pa.job_title]).toEqual(['Renamed By Hand', 'Night Manager']);
    const recB = await record(b[0]!);
    expect(sandboxPerson(Number(recB.pipedrive_id)).job_title).toBe('Forklift Lead');
    const recGone = await record(gone[0]!);
    expect(recGone.gone_from_export_at).not.toBeNull();
    expect(sandboxPerson(Number(recGone.pipedrive_id)).deleted_at).toBeNull();
    const recNew = await record('100099');
    expect(recNew.state).toBe('done');
    expect(sandboxPerson(Number(recNew.pipedrive_id)).name).toBe('Nyt Menneske');

    const ledger = await db()('ledger').where({ run_id: run.id }).orderBy('seq');
    const byRecord = new Map(ledger.map((l) => [Number(l.record_id), l]));
    const sentA = byRecord.get(Number(recA.id));
    expect([sentA.op, JSON.parse(sentA.request).body, JSON.parse(sentA.before_image)]).toEqual([
      'update',
      { job_title: 'Night Manager' },
      { job_title: a[5] },
    ]);
    expect(JSON.parse(byRecord.get(Number(recB.id)).request).body).toEqual({ job_title: 'Forklift Lead' });
    expect(byRecord.get(Number(recNew.id)).op).toBe('create');
    expect(byRecord.has(Number(recGone.id))).toBe(false);

    // The delta's own writes come back as webhooks: none is a human edit.
    await h.sb.sandbox.webhooks.settled();
    await h.app.services.webhooks.drain();
    const echoes = await db()('webhook_events').where({ change_source: 'api' }).select('status');
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes.every((e) => e.status === 'ignored')).toBe(true);
    expect(JSON.parse((await record(a[0]!)).human_fields)).toEqual(['name']);
  }, 120_000);

  it('overwrites the human’s value only when asked, and then has nothing left to send', async () => {
    const a = rows[0]!;
    const recA = await record(a[0]!);
    const preview = (
      await h.app.http.post(`${api()}/delta/preview`).send({ policy: 'overwrite' }).expect(200)
    ).body;
    expect(preview.counts).toEqual({ created: 0, updated: 1, heldBack: 0, gone: 1, deletedInPipedrive: 0 });
    const { run } = (await h.app.http.post(`${api()}/delta/apply`).send({ policy: 'overwrite' }).expect(202))
      .body;
    expect(await h.engine().execute(1, run.id)).toBe('completed');
    expect(sandboxPerson(Number(recA.pipedrive_id)).name).toBe(`Annelise ${a[2]}`);
    const after = await record(a[0]!);
    expect(after.human_fields).toBeNull();
    const again = (await h.app.http.post(`${api()}/delta/preview`).send({}).expect(200)).body;
    expect(again.counts).toEqual({ created: 0, updated: 0, heldBack: 0, gone: 1, deletedInPipedrive: 0 });
  }, 120_000);
});
