// Removing the custom fields we created (`removeFields`), on SQLite and PostgreSQL: only on explicit
// request, and only the fields no record holds a value in once the records are rolled back. A person we
// created, then edited in Pipedrive (kept as a conflict) and left with a value in one of our fields only,
// keeps that field (reported as `still_holds_values`); every other field we created is removed and
// forgotten, and the fields we adopted stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords } from '../../server/migration/records.repository.ts';
import { listRecordedFields } from '../../server/pipedrive/field-schema.repository.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { customFieldCodes, live, migrateAll, rollbackEngine, rollbackService } from '../helpers/rollback.ts';

describe.each(ENGINES)('rollback with removeFields (%s)', (engine) => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 12, seed: 6 });
  }, 180_000);
  afterAll(async () => h?.close());

  const customCodes = (entity: 'person' | 'organization') => customFieldCodes(h, entity);

  it('removes the fields we created that no record holds a value in, and keeps and reports the one a kept record still fills', async () => {
    const db = h.app.testDb.db;
    await migrateAll(h);
    const recorded = await listRecordedFields(db, 1);
    const ours = recorded.filter((f) => f.createdByUs);
    const adopted = recorded.filter((f) => !f.createdByUs);
    const oursPerson = ours.filter((f) => f.entity === 'person');
    const oursOrg = ours.filter((f) => f.entity === 'organization');
    expect(oursPerson.length).toBeGreaterThan(2);
    for (const f of ours) expect(customCodes(f.entity as 'person' | 'organization')).toContain(f.code);

    // A person edits one of our persons: renames it (so rollback keeps it) and empties every field we
    // created but one, which still holds the value we wrote.
    h.sb.sandbox.clock.advance(60_000);
    const created = (await listRecords(db, 1, h.migrationId, { entity: 'person' })).filter(
      (p) => !p.existedBefore,
    );
    const kept = created[2]!;
    const values = live(h).persons.get(kept.pipedriveId!)!.custom_fields as Record<string, unknown>;
    const held = oursPerson.find((f) => values[f.code] !== null && values[f.code] !== undefined)!;
    expect(held).toBeDefined();
    h.sb.sandbox.human.update(h.sb.companyId, 'person', kept.pipedriveId!, {
      name: 'Renamed By A Person',
      custom_fields: Object.fromEntries(oursPerson.filter((f) => f !== held).map((f) => [f.code, null])),
    });
    const heldValue = values[held.code];

    // Without the explicit request, the dry run leaves the fields alone.
    const svc = rollbackService(h);
    const plain = await svc.dryRun(1, h.migrationId);
    expect(plain.items.filter((i) => i.entity === 'field')).toEqual([]);

    const dry = await svc.dryRun(1, h.migrationId, { removeFields: true });
    expect(dry.summary.field).toEqual({ remove_field: ours.length - 1, keep_field: 1 });
    expect(dry.summary.person).toEqual({ delete: created.length - 1, keep: 1 });
    const dryFields = dry.items.filter((i) => i.entity === 'field');
    expect(dryFields.find((i) => i.fieldCode === held.code)).toMatchObject({
      action: 'keep_field',
      reason: 'still_holds_values',
      detail: { holders: 1, fieldEntity: 'person', logicalName: held.logicalName },
    });
    expect(
      dryFields
        .filter((i) => i.action === 'remove_field')
        .map((i) => i.fieldCode)
        .sort(),
    ).toEqual(
      ours
        .filter((f) => f !== held)
        .map((f) => f.code)
        .sort(),
    );
    for (const i of dryFields.filter((x) => x.action === 'remove_field'))
      expect(i).toMatchObject({ reason: 'no_values_left', detail: { holders: 0 } });

    const run = await svc.start(1, h.migrationId, {
      token: dry.token,
      removeFields: true,
      startedBy: 'user:3',
    });
    expect(await rollbackEngine(h).execute(1, run.id)).toBe('completed');

    // The kept person still holds its value in the field we kept; every other field we created is gone.
    const after = live(h);
    expect([...after.persons.keys()]).toEqual([kept.pipedriveId]);
    expect(after.persons.get(kept.pipedriveId!)!.custom_fields).toEqual({ [held.code]: heldValue });
    expect(after.organizations.size).toBe(0);
    const adoptedCodes = (entity: string) =>
      adopted
        .filter((f) => f.entity === entity)
        .map((f) => f.code)
        .sort();
    const untouched = (entity: 'person' | 'organization') =>
      customCodes(entity).filter((c) => !ours.some((f) => f.code === c));
    expect(customCodes('person')).toEqual([held.code, ...untouched('person')].sort());
    expect(untouched('person')).toEqual(adoptedCodes('person'));
    expect(customCodes('organization')).toEqual(untouched('organization'));
    expect(oursOrg.every((f) => !customCodes('organization').includes(f.code))).toBe(true);
    const deletes = h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId })
      .filter((r) => r.operation === 'deletePersonField' || r.operation === 'deleteOrganizationField');
    expect(deletes.length).toBe(ours.length - 1);

    // The removed fields are forgotten (a later migration provisions them again); the kept one is not.
    const remaining = await listRecordedFields(db, 1);
    expect(remaining.filter((f) => f.createdByUs).map((f) => f.code)).toEqual([held.code]);
    expect(remaining.filter((f) => !f.createdByUs).map((f) => f.code)).toEqual(adopted.map((f) => f.code));

    const status = await svc.status(1, h.migrationId);
    expect(status.summary.field).toEqual({ remove_field: ours.length - 1, keep_field: 1 });
    const conflicts = await svc.conflicts(1, h.migrationId);
    expect(conflicts.items.filter((c) => c.entity === 'field')).toMatchObject([
      { fieldCode: held.code, action: 'keep_field', reason: 'still_holds_values', detail: { holders: 1 } },
    ]);

    // Asked again: the field is still held, so it stays; nothing is written.
    const again = await svc.dryRun(1, h.migrationId, { removeFields: true });
    expect(again.summary.field).toEqual({ keep_field: 1 });
    const run2 = await svc.start(1, h.migrationId, {
      token: again.token,
      removeFields: true,
      startedBy: 'cli',
    });
    expect(await rollbackEngine(h).execute(1, run2.id)).toBe('completed');
    expect(customCodes('person')).toContain(held.code);
    expect((await svc.status(1, h.migrationId, run2.id)).run?.writes).toBe(0);
  }, 180_000);
});
