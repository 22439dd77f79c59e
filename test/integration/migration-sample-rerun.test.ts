// The admin changes the map after a sample and runs the sample again: the sampled records are updated in
// Pipedrive (never created a second time) and the field-level diff shows the values of the new map, sent
// and read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../server/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';

interface DiffField {
  target: string;
  sent: unknown;
  readBack: unknown;
  differs: boolean;
}
interface DiffRecord {
  entity: string;
  actimoId: string;
  pipedriveId: number;
  state: string;
  verified: boolean;
  fields: DiffField[];
}

describe.each<Engine>(['sqlite', 'postgres'])('a sample run again after a map edit (%s)', (engine) => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 40, seed: 12 });
  }, 120_000);
  afterAll(async () => h?.close());

  const livePersons = () =>
    h.sb.sandbox.state(h.sb.companyId).persons.records.filter((p) => p.deleted_at === null);
  const diff = async (): Promise<DiffRecord[]> =>
    (await h.app.http.get(`/api/migrations/${h.migrationId}/sample/diff?pageSize=200`).expect(200)).body
      .records;
  const emailsOf = (r: DiffRecord) => r.fields.find((f) => f.target === 'email');

  it('updates the sampled records instead of creating them again, and the diff shows the new values', async () => {
    const first = await h.service.startSample(1, h.migrationId, 8);
    expect(await h.engine().execute(1, first.id)).toBe('completed');
    const before = (await diff()).filter((r) => r.entity === 'person');
    expect(before.length).toBe(8);
    expect(livePersons().length).toBe(8);
    const withEmail = before.filter((r) => Array.isArray(emailsOf(r)?.sent));
    expect(withEmail.length).toBeGreaterThan(0);
    for (const r of withEmail) {
      expect((emailsOf(r)!.sent as Array<{ label: string }>).map((e) => e.label)).toEqual(['work']);
    }

    // A real edit of the map (its e-mail label), confirmed and provisioned again, through the mapping API.
    const map = (await h.app.http.get(`/api/migrations/${h.migrationId}/map`).expect(200)).body;
    const edited = (
      await h.app.http
        .patch(`/api/migrations/${h.migrationId}/map/destinations`)
        .send({ version: map.version, changes: [], settings: { emailLabel: 'home' } })
        .expect(200)
    ).body;
    expect(edited.version).toBe(map.version + 1);
    await h.app.http
      .post(`/api/migrations/${h.migrationId}/map/confirm`)
      .send({ version: edited.version })
      .expect(200);
    await h.app.http.post(`/api/migrations/${h.migrationId}/map/provision`).expect(200);

    const second = await h.service.startSample(1, h.migrationId, 8);
    expect(await h.engine().execute(1, second.id)).toBe('completed');

    // The same eight persons, each created once; nothing else was created.
    const live = livePersons();
    expect(live.length).toBe(8);
    expect(live.map((p) => p.id).sort()).toEqual(before.map((r) => r.pipedriveId).sort());
    const ledger = await h.app.testDb
      .db('ledger')
      .join('migration_records', 'migration_records.id', 'ledger.record_id')
      .where({ 'ledger.migration_id': h.migrationId, 'migration_records.entity': 'person' })
      .select('migration_records.actimo_key as key', 'ledger.op as op', 'ledger.run_id as run')
      .orderBy('ledger.id');
    const byPerson = new Map<string, string[]>();
    for (const l of ledger)
      byPerson.set(String(l.key), [...(byPerson.get(String(l.key)) ?? []), `${l.op}:${Number(l.run)}`]);
    expect([...byPerson.keys()].sort()).toEqual(before.map((r) => r.actimoId).sort());
    // Those with an e-mail changed; the others' payload is the same, so nothing is sent for them.
    for (const r of before)
      expect(byPerson.get(r.actimoId)).toEqual(
        withEmail.includes(r) ? [`create:${first.id}`, `update:${second.id}`] : [`create:${first.id}`],
      );

    // The diff shows the new label, sent and read back, and nothing differs.
    const after = (await diff()).filter((r) => r.entity === 'person');
    expect(after.map((r) => r.actimoId).sort()).toEqual(before.map((r) => r.actimoId).sort());
    for (const r of after) {
      expect(r).toMatchObject({ state: 'done', verified: true });
      for (const f of r.fields) expect(f.differs).toBe(false);
    }
    // Every other field shows what it showed before (an update leaves out add_time, still in Pipedrive).
    for (const r of after) {
      const was = before.find((b) => b.actimoId === r.actimoId)!;
      const others = (x: DiffRecord) =>
        x.fields.filter((f) => f.target !== 'email').map((f) => [f.target, f.sent, f.readBack]);
      expect(others(r)).toEqual(others(was));
    }
    for (const r of after.filter((x) => withEmail.some((w) => w.actimoId === x.actimoId))) {
      const e = emailsOf(r)!;
      expect((e.sent as Array<{ label: string }>).map((x) => x.label)).toEqual(['home']);
      expect(e.readBack).toEqual(e.sent);
    }
    const stored = live.flatMap((p) => (p.emails as Array<{ label: string }>).map((x) => x.label));
    expect(new Set(stored)).toEqual(new Set(['home']));
  }, 120_000);
});
