// The files phase against the sandbox through the official SDK: each staged file of a migrated person is
// uploaded (v1 files, linked to the person) and followed by a note with its original name, upload date and
// source batch; a file missing from the upload is skipped (`file_missing`); the estimate equals the
// spend; a second run writes nothing; an upload or note applied and then answered by a dropped
// connection is found again, never duplicated.
import { describe, expect, it } from 'vitest';
import { ledgerCounts } from '../../server/migration/ledger.repository.ts';
import { listRecords } from '../../server/migration/records.repository.ts';
import { ENGINES } from '../helpers/db.ts';
import { harnessFor, liveRecords, writesOfAnotherRun } from '../helpers/migration.ts';

// 400 users → the files export has two rows: contract-0.pdf (user 100000) and contract-1.pdf (user 100001).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const HARNESS = { users: 400, seed: 11, attachments: { 'contract-0.pdf': PDF } };

describe.each(ENGINES)('the files phase on %s', (engine) => {
  const h = harnessFor(engine, HARNESS);

  it('uploads the file to its person with a note, skips the missing one, and spends exactly the estimate', async () => {
    const plan = await h().service.plan(1, h().migrationId);
    expect(plan.entities.file).toEqual({
      create: 1,
      merge: 0,
      skip: 1,
      done: 0,
      reasons: { file_missing: 1 },
    });
    expect(plan.estimate.lines.find((l) => l.op === 'files.add')).toEqual({
      op: 'files.add',
      requests: 1,
      tokens: 10,
    });
    expect(plan.estimate.lines.find((l) => l.op === 'files.list')).toEqual({
      op: 'files.list',
      requests: 1,
      tokens: 20,
    });
    const run = await h().service.startFull(1, h().migrationId);
    expect(await h().engine().execute(1, run.id)).toBe('completed');
    const spent = await h().service.run(1, run.id);
    expect([spent.requests, spent.tokens]).toEqual([plan.estimate.requests, plan.estimate.tokens]);

    const db = h().app.testDb.db;
    const files = await listRecords(db, 1, h().migrationId, { entity: 'file' });
    expect(files.map((f) => [f.actimoKey, f.personKey, f.action, f.reasonCode, f.state, f.verified])).toEqual(
      [
        ['100000:files/contract-0.pdf', '100000', 'create', null, 'done', true],
        ['100001:files/contract-1.pdf', '100001', 'skip', 'file_missing', 'skipped', null],
      ],
    );
    const person = (await listRecords(db, 1, h().migrationId, { entity: 'person' })).find(
      (p) => p.actimoKey === '100000',
    )!;
    const uploaded = liveRecords(h(), 'files');
    expect(
      uploaded.map((f) => [f.id, f.person_id, f.name, Buffer.from(String(f.content), 'base64').toString()]),
    ).toEqual([[files[0]!.pipedriveId, person.pipedriveId, 'contract-0.pdf', PDF.toString()]]);
    const uploadLedger = await db('ledger')
      .where({ op: 'upload' })
      .orderBy('id')
      .select('state', 'error_code');
    expect(uploadLedger).toEqual([{ state: 'done', error_code: null }]);

    const note = (await listRecords(db, 1, h().migrationId, { entity: 'note' })).find(
      (n) => n.actimoKey === 'file:100000:files/contract-0.pdf',
    )!;
    expect(note.state).toBe('done');
    const pdNote = liveRecords(h(), 'notes').find((n) => n.id === note.pipedriveId)!;
    expect(pdNote.person_id).toBe(person.pipedriveId);
    expect(pdNote.content).toBe(
      '<p><b>File from Actimo</b></p><p>Original file name: contract-0.pdf</p><p>Uploaded: 2024-01-01</p>' +
        '<p>Source batch: files.csv</p><p>Actimo migration ref: file:100000:files/contract-0.pdf</p>',
    );
  }, 300_000);

  it('makes no write when run again', async () => {
    expect(await writesOfAnotherRun(h())).toEqual([]);
    expect(liveRecords(h(), 'files').length).toBe(1);
  }, 120_000);
});

describe('an upload and file notes applied and then answered by a dropped connection', () => {
  const h = harnessFor('sqlite', HARNESS);

  it('finds the upload among the files and the notes by their marker, and writes neither twice', async () => {
    const plan = await h().service.plan(1, h().migrationId);
    h().sb.sandbox.faults.inject({ kind: 'drop_after_write', match: { operation: 'addFile' } });
    h().sb.sandbox.faults.inject({
      kind: 'drop_after_write',
      match: { operation: 'addNote' },
      times: 1_000,
    });
    const run = await h().service.startFull(1, h().migrationId);
    const status = await h().engine().execute(1, run.id);
    h().sb.sandbox.faults.clear();
    expect(status).toBe('completed');
    const db = h().app.testDb.db;
    const notes = await listRecords(db, 1, h().migrationId, { entity: 'note' });
    expect(notes.filter((n) => n.state !== 'done')).toEqual([]);
    const live = liveRecords(h(), 'notes');
    expect(live.length).toBe(notes.length);
    expect(live.filter((n) => n.content.includes('file:100000:files/contract-0.pdf')).length).toBe(1);
    const files = liveRecords(h(), 'files');
    expect(files.map((f) => f.name)).toEqual(['contract-0.pdf']);
    const upload = await db('ledger').where({ op: 'upload' }).select('state', 'error_code', 'response_id');
    expect(upload).toEqual([{ state: 'done', error_code: 'resolved_found', response_id: files[0]!.id }]);
    expect(await ledgerCounts(db, 1, h().migrationId)).toMatchObject({
      'upload:done': 1,
      'create:done':
        plan.entities.organization.create +
        plan.entities.person.create +
        notes.length +
        plan.entities.activity.create,
    });
  }, 300_000);
});
