// The field map on a generated export set of BENCH_USERS users (default 20,000) on SQLite:
// - the first read of the map (proposal, distinct values of choice columns, first version) against a
//   consolidation of the same migration measured in the same run;
// - the payload builder over every staged person against JSON.stringify of the same inputs (the least
//   any engine does to send a record), and its rate against Pipedrive's fastest burst limit.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../server/clock.ts';
import { migrateLatest, openDb } from '../server/db.ts';
import { buildMapping } from '../server/mapping/index.ts';
import { buildPersonPayload } from '../server/mapping/payload.ts';
import type { StagedPersonInput } from '../server/mapping/payload-read.ts';
import { resolveMap } from '../server/mapping/resolve.ts';
import { loadPersonInput } from '../server/mapping/staged-input.repository.ts';
import { LimiterRegistry } from '../server/pipedrive/client.ts';
import { consolidate } from '../server/staging/consolidate.service.ts';
import { listStaged } from '../server/staging/staged.repository.ts';
import { StagingService } from '../server/staging/staging.service.ts';
import { upsertCompany } from '../server/tenants/company.repository.ts';
import { generateExportSet } from '../test/fixtures/generate.ts';
import { measure, printFigure, printHeader, printRatio } from './report.ts';

export default async function run(): Promise<void> {
  const users = Number(process.env.BENCH_USERS ?? 20_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-mapping-'));
  const db = await openDb({ client: 'sqlite3', filename: path.join(dir, 'bench.sqlite') });
  try {
    printHeader(
      'mapping',
      `the field map and the payload builder on ${users.toLocaleString('en-US')} generated users (SQLite)`,
    );
    await migrateLatest(db);
    await upsertCompany(db, { id: 1, name: 'Bench', mode: 'local' });
    const set = await generateExportSet({
      dir: path.join(dir, 'export'),
      users,
      language: 'da',
      shuffle: true,
      seed: 1,
    });
    const staging = new StagingService(db, {
      dataDir: dir,
      maxFileBytes: 2 ** 31,
      zip: { maxEntries: 100, maxEntryBytes: 2 ** 31, maxTotalBytes: 2 ** 31, maxRatio: 100 },
    });
    const migrationId = (await staging.createMigration(1, 'bench')).id;
    await staging.stage(
      1,
      migrationId,
      set.files.map((f) => ({ name: path.basename(f), path: f })),
    );

    const again = await measure(() => consolidate(db, 1, migrationId, { tempDir: path.join(dir, 'tmp') }));
    const pipedrive = {
      db,
      clock: systemClock,
      limiters: new LimiterRegistry(systemClock),
      connections: async () => {
        throw new Error('no Pipedrive in this benchmark');
      },
    };
    const mapping = buildMapping({ db, dataDir: dir, pipedrive });
    const first = await measure(() => mapping.maps.current(1, migrationId, 1));
    printRatio({
      label: 'first read of the map (proposal + first version) vs one consolidation',
      ours: first.ms,
      baseline: again.ms,
      unit: 'ms',
      higherIsBetter: false,
    });

    const map = resolveMap(first.result.version, first.result.document, [], undefined);
    const inputs: StagedPersonInput[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await listStaged(db, 1, migrationId, { entity: 'person', offset, limit: 500 });
      for (const r of page.records) {
        const input = await loadPersonInput(db, 1, migrationId, r.actimoId);
        if (input) inputs.push(input);
      }
      if (page.records.length < 500) break;
    }
    const refs = {
      organizationIdFor: (id: string) => Number(id),
      ownerFor: () => ({ id: 1, defaulted: false }),
      visibleTo: null,
    };
    const build = await measure(async () => {
      let fields = 0;
      for (const p of inputs) fields += buildPersonPayload(p, map, refs).trace.length;
      return fields;
    });
    const baseline = await measure(async () => {
      let bytes = 0;
      for (const p of inputs) bytes += JSON.stringify(p).length;
      return bytes;
    });
    printRatio({
      label: 'buildPersonPayload vs JSON.stringify of the same inputs',
      ours: build.ms,
      baseline: baseline.ms,
      unit: 'ms',
      higherIsBetter: false,
    });
    const perSecond = inputs.length / (build.ms / 1000);
    printFigure('payloads built per second', perSecond, 'persons/s');
    printFigure("Pipedrive's fastest burst limit (Ultimate, OAuth: 480 requests per 2 s)", 240, 'requests/s');
    printFigure('fields traced per person', build.result / inputs.length);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
