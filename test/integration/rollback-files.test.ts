// Rollback of a migration that uploaded files, against the sandbox on SQLite and PostgreSQL: the uploaded
// files and their notes (original name, upload date, source batch) are deleted from Pipedrive, each once,
// the records say so, and a second rollback writes nothing; a file a person renamed since is kept, with
// its note.
import { describe, expect, it } from 'vitest';
import { listRecords } from '../../server/migration/records.repository.ts';
import { getRun } from '../../server/migration/runs.repository.ts';
import { ENGINES } from '../helpers/db.ts';
import { harnessFor, liveRecords, requestMark, writesSince } from '../helpers/migration.ts';
import { migrateAll, rollbackEngine, rollbackService } from '../helpers/rollback.ts';

// 400 users → the files export has two rows: contract-0.pdf (user 100000) and contract-1.pdf (user 100001).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const HARNESS = {
  users: 400,
  seed: 11,
  attachments: { 'contract-0.pdf': PDF, 'contract-1.pdf': Buffer.from(`${PDF}% second\n`) },
};

describe.each(ENGINES)('rollback of a migration with files (%s)', (engine) => {
  const h = harnessFor(engine, HARNESS);

  it('deletes every uploaded file and its note once, and a second rollback writes nothing', async () => {
    const db = h().app.testDb.db;
    await migrateAll(h());
    const files = await listRecords(db, 1, h().migrationId, { entity: 'file' });
    expect(files.map((f) => [f.actimoKey, f.state])).toEqual([
      ['100000:files/contract-0.pdf', 'done'],
      ['100001:files/contract-1.pdf', 'done'],
    ]);
    const fileNotes = (await listRecords(db, 1, h().migrationId, { entity: 'note' })).filter((n) =>
      n.actimoKey.startsWith('file:'),
    );
    expect(fileNotes.map((n) => [n.actimoKey, n.state])).toEqual([
      ['file:100000:files/contract-0.pdf', 'done'],
      ['file:100001:files/contract-1.pdf', 'done'],
    ]);
    const fileIds = files.map((f) => f.pipedriveId!);
    const noteIds = fileNotes.map((n) => n.pipedriveId!);
    expect(
      liveRecords(h(), 'files')
        .map((f) => f.id)
        .sort((a, b) => a - b),
    ).toEqual([...fileIds].sort((a, b) => a - b));
    expect(liveRecords(h(), 'notes').filter((n) => noteIds.includes(n.id)).length).toBe(2);

    const svc = rollbackService(h());
    const dry = await svc.dryRun(1, h().migrationId);
    expect(dry.summary.file).toEqual({ delete: 2 });
    const before = requestMark(h());
    const run = await svc.start(1, h().migrationId, { token: dry.token, startedBy: 'user:1' });
    expect(await rollbackEngine(h()).execute(1, run.id)).toBe('completed');

    // Gone from the sandbox: no file left, none of the files' notes.
    expect(liveRecords(h(), 'files')).toEqual([]);
    expect(liveRecords(h(), 'notes').filter((n) => noteIds.includes(n.id))).toEqual([]);
    // Each file and each of their notes deleted exactly once.
    const writes = writesSince(h(), before);
    expect(writes.filter((w) => w.startsWith('DELETE /api/v1/files/')).sort()).toEqual(
      fileIds.map((id) => `DELETE /api/v1/files/${id}`).sort(),
    );
    expect(writes.filter((w) => noteIds.some((id) => w === `DELETE /api/v1/notes/${id}`)).sort()).toEqual(
      noteIds.map((id) => `DELETE /api/v1/notes/${id}`).sort(),
    );
    const undone = async (entity: 'file' | 'note') =>
      (await listRecords(db, 1, h().migrationId, { entity }))
        .filter((r) => entity === 'file' || r.actimoKey.startsWith('file:'))
        .map((r) => [r.actimoKey, r.pipedriveId, r.state]);
    expect(await undone('file')).toEqual([
      ['100000:files/contract-0.pdf', null, 'planned'],
      ['100001:files/contract-1.pdf', null, 'planned'],
    ]);
    expect(await undone('note')).toEqual([
      ['file:100000:files/contract-0.pdf', null, 'planned'],
      ['file:100001:files/contract-1.pdf', null, 'planned'],
    ]);
    const outcomes = await db('migration_records')
      .where({ company_id: 1, migration_id: h().migrationId })
      .andWhere((q) => q.where('entity', 'file').orWhere('actimo_key', 'like', 'file:%'))
      .orderBy('actimo_key')
      .select('entity', 'rollback_state', 'rollback_reason');
    expect(outcomes).toEqual([
      { entity: 'file', rollback_state: 'deleted', rollback_reason: 'created_by_us' },
      { entity: 'file', rollback_state: 'deleted', rollback_reason: 'created_by_us' },
      { entity: 'note', rollback_state: 'deleted', rollback_reason: 'created_by_us' },
      { entity: 'note', rollback_state: 'deleted', rollback_reason: 'created_by_us' },
    ]);

    // Running it again changes nothing.
    const again = requestMark(h());
    const dry2 = await svc.dryRun(1, h().migrationId);
    expect(dry2.summary.file).toEqual({ none: 2 });
    const run2 = await svc.start(1, h().migrationId, { token: dry2.token, startedBy: 'user:1' });
    expect(await rollbackEngine(h()).execute(1, run2.id)).toBe('completed');
    expect((await getRun(db, 1, run2.id))!.writes).toBe(0);
    expect(writesSince(h(), again)).toEqual([]);
  }, 300_000);
});

describe('rollback of a file a person renamed in Pipedrive since the upload', () => {
  const h = harnessFor('sqlite', HARNESS);

  it('keeps that file (value changed) and its note (file kept), and deletes the other file and its note', async () => {
    const db = h().app.testDb.db;
    await migrateAll(h());
    const files = await listRecords(db, 1, h().migrationId, { entity: 'file' });
    const renamed = files.find((f) => f.actimoKey === '100001:files/contract-1.pdf')!.pipedriveId!;
    const other = files.find((f) => f.actimoKey === '100000:files/contract-0.pdf')!.pipedriveId!;
    const put = await h().sb.raw(`/api/v1/files/${renamed}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=signed-contract.pdf',
    });
    expect(put.status).toBe(200);

    const noteIdsBefore = (await listRecords(db, 1, h().migrationId, { entity: 'note' }))
      .filter((n) => n.actimoKey.startsWith('file:'))
      .map((n) => n.pipedriveId!);
    expect(noteIdsBefore.length).toBe(2);

    const svc = rollbackService(h());
    const dry = await svc.dryRun(1, h().migrationId);
    expect(dry.summary.file).toEqual({ delete: 1, keep: 1 });
    // The dry run says the kept file's note stays too, and why (the other 42 notes: the persons' and the other file's).
    expect(dry.summary.note).toEqual({ delete: 42, keep: 1 });
    expect(
      dry.items.filter((i) => i.reason === 'file_kept').map((i) => [i.entity, i.action, i.detail.actimoKey]),
    ).toEqual([['note', 'keep', 'file:100001:files/contract-1.pdf']]);
    const before = requestMark(h());
    const run = await svc.start(1, h().migrationId, { token: dry.token, startedBy: 'user:1' });
    expect(await rollbackEngine(h()).execute(1, run.id)).toBe('completed');

    expect(liveRecords(h(), 'files').map((f) => [f.id, f.name])).toEqual([[renamed, 'signed-contract.pdf']]);
    expect(writesSince(h(), before).filter((w) => w.includes('/files/'))).toEqual([
      `DELETE /api/v1/files/${other}`,
    ]);
    const notes = (await listRecords(db, 1, h().migrationId, { entity: 'note' })).filter((n) =>
      n.actimoKey.startsWith('file:'),
    );
    expect(notes.map((n) => [n.actimoKey, n.pipedriveId === null])).toEqual([
      ['file:100000:files/contract-0.pdf', true],
      ['file:100001:files/contract-1.pdf', false],
    ]);
    // The kept file's note (its original name, upload date, batch) is still in Pipedrive; the other is gone.
    const keptNote = notes.find((n) => n.actimoKey === 'file:100001:files/contract-1.pdf')!.pipedriveId!;
    expect(
      liveRecords(h(), 'notes')
        .filter((n) => noteIdsBefore.includes(n.id))
        .map((n) => n.id),
    ).toEqual([keptNote]);
    expect(
      writesSince(h(), before).filter((w) => noteIdsBefore.some((id) => w === `DELETE /api/v1/notes/${id}`)),
    ).toEqual([`DELETE /api/v1/notes/${noteIdsBefore.find((id) => id !== keptNote)}`]);
    expect(
      await db('migration_records')
        .where({ company_id: 1, migration_id: h().migrationId, entity: 'note' })
        .andWhere('actimo_key', 'like', 'file:%')
        .orderBy('actimo_key')
        .select('actimo_key', 'rollback_state', 'rollback_reason'),
    ).toEqual([
      {
        actimo_key: 'file:100000:files/contract-0.pdf',
        rollback_state: 'deleted',
        rollback_reason: 'created_by_us',
      },
      {
        actimo_key: 'file:100001:files/contract-1.pdf',
        rollback_state: 'kept',
        rollback_reason: 'file_kept',
      },
    ]);
    expect(
      await db('migration_records')
        .where({ company_id: 1, migration_id: h().migrationId, entity: 'file' })
        .orderBy('actimo_key')
        .select('actimo_key', 'rollback_state', 'rollback_reason'),
    ).toEqual([
      {
        actimo_key: '100000:files/contract-0.pdf',
        rollback_state: 'deleted',
        rollback_reason: 'created_by_us',
      },
      { actimo_key: '100001:files/contract-1.pdf', rollback_state: 'kept', rollback_reason: 'value_changed' },
    ]);
  }, 300_000);
});
