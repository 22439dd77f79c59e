// Removing custom fields (`removeFields`) with two migrations in one company, on SQLite and PostgreSQL:
// migration A provisions and migrates; migration B (the same export) reuses A's "Actimo ID" and
// "Department" fields, maps nothing else of A's, and creates its own "Job title" field. Rolling back A
// removes only A's fields no other migration maps to; the fields B maps to stay (reported as
// `field_used_by_other_migration`) and B's own field is not touched.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecordedFields } from '../../server/pipedrive/field-schema.repository.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { customFieldCodes, live, migrateAll, rollbackEngine, rollbackService } from '../helpers/rollback.ts';

interface Destination {
  entity: 'person' | 'organization';
  field: string;
  destination: { kind: string; logicalName?: string };
}

describe.each(ENGINES)('rollback with removeFields, two migrations of one company (%s)', (engine) => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 6, seed: 6 });
  }, 180_000);
  afterAll(async () => h?.close());

  const customCodes = (entity: 'person' | 'organization') => customFieldCodes(h, entity);

  /** Migration B: the same export, mapping only Actimo ID and Department of A's fields, plus a field of its own. */
  async function migrationB(): Promise<number> {
    const http = h.app.http;
    const b = (await http.post('/api/migrations').send({}).expect(201)).body.id as number;
    let req = http.post(`/api/migrations/${b}/files`);
    const dir = path.join(h.dataDir, 'export');
    for (const f of readdirSync(dir).sort()) req = req.attach('file', path.join(dir, f));
    await req.expect(201);
    const map = (await http.get(`/api/migrations/${b}/map`).expect(200)).body as {
      version: number;
      destinations: Destination[];
    };
    const changes = [
      ...map.destinations
        .filter(
          (d) =>
            d.destination.kind === 'custom' &&
            d.destination.logicalName !== 'actimo_id__c' &&
            d.destination.logicalName !== 'department__c',
        )
        .map((d) => ({ entity: d.entity, field: d.field, destination: { kind: 'ignore' } })),
      { entity: 'person', field: 'jobTitle', destination: { kind: 'custom', name: 'Job title (B)' } },
    ];
    const edited = await http
      .patch(`/api/migrations/${b}/map/destinations`)
      .send({ version: map.version, changes })
      .expect(200);
    await http.post(`/api/migrations/${b}/map/confirm`).send({ version: edited.body.version }).expect(200);
    await http.post(`/api/migrations/${b}/map/provision`).expect(200);
    return b;
  }

  it("removes only the unused fields migration A created, keeps and reports those B maps to, and leaves B's own field", async () => {
    const db = h.app.testDb.db;
    await migrateAll(h);
    const ofA = (await listRecordedFields(db, 1)).filter((f) => f.createdByUs);
    expect(ofA.every((f) => f.createdByMigrationId === h.migrationId)).toBe(true);

    const b = await migrationB();
    const recorded = await listRecordedFields(db, 1);
    const ofB = recorded.filter((f) => f.createdByUs && f.createdByMigrationId === b);
    expect(ofB.map((f) => [f.entity, f.name])).toEqual([['person', 'Job title (B)']]);
    // B reused A's fields: they are still recorded as A's.
    expect(
      recorded
        .filter((f) => f.createdByUs && f.createdByMigrationId === h.migrationId)
        .map((f) => f.code)
        .sort(),
    ).toEqual(ofA.map((f) => f.code).sort());
    const shared = ofA.filter((f) => f.logicalName === 'actimo_id__c' || f.logicalName === 'department__c');
    expect(shared.map((f) => `${f.entity}:${f.logicalName}`).sort()).toEqual([
      'organization:actimo_id__c',
      'person:actimo_id__c',
      'person:department__c',
    ]);
    const onlyA = ofA.filter((f) => !shared.includes(f));
    expect(onlyA.length).toBeGreaterThan(2);

    const svc = rollbackService(h);
    const dry = await svc.dryRun(1, h.migrationId, { removeFields: true });
    expect(dry.summary.field).toEqual({ remove_field: onlyA.length, keep_field: shared.length });
    const fields = dry.items.filter((i) => i.entity === 'field');
    expect(fields.map((i) => i.fieldCode).sort()).toEqual(ofA.map((f) => f.code).sort());
    for (const f of shared)
      expect(fields.find((i) => i.fieldCode === f.code)).toMatchObject({
        action: 'keep_field',
        reason: 'field_used_by_other_migration',
        detail: { fieldEntity: f.entity, logicalName: f.logicalName, migrationIds: [b] },
      });
    for (const f of onlyA)
      expect(fields.find((i) => i.fieldCode === f.code)).toMatchObject({
        action: 'remove_field',
        reason: 'no_values_left',
        detail: { holders: 0 },
      });

    const run = await svc.start(1, h.migrationId, {
      token: dry.token,
      removeFields: true,
      startedBy: 'user:3',
    });
    expect(await rollbackEngine(h).execute(1, run.id)).toBe('completed');

    expect(live(h).persons.size).toBe(0);
    const codes = (entity: 'person' | 'organization') =>
      [...shared, ...ofB]
        .filter((f) => f.entity === entity)
        .map((f) => f.code)
        .sort();
    for (const entity of ['person', 'organization'] as const) {
      const left = customCodes(entity);
      for (const c of codes(entity)) expect(left).toContain(c);
      for (const f of onlyA.filter((x) => x.entity === entity)) expect(left).not.toContain(f.code);
    }
    const deletes = h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId })
      .filter((r) => r.operation === 'deletePersonField' || r.operation === 'deleteOrganizationField');
    expect(deletes.length).toBe(onlyA.length);

    // A's removed fields are forgotten; the shared ones and B's own stay recorded.
    expect(
      (await listRecordedFields(db, 1))
        .filter((f) => f.createdByUs)
        .map((f) => f.code)
        .sort(),
    ).toEqual([...shared, ...ofB].map((f) => f.code).sort());
    const conflicts = await svc.conflicts(1, h.migrationId);
    expect(
      conflicts.items
        .filter((c) => c.entity === 'field')
        .map((c) => [c.fieldCode, c.reason])
        .sort(),
    ).toEqual(shared.map((f) => [f.code, 'field_used_by_other_migration']).sort());
  }, 180_000);
});
