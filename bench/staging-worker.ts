// One engine's run for staging.bench.ts, in a process of its own: stage a generated export folder into a
// fresh database, then consolidate it; prints one JSON line with timings and the peak RSS.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { consolidate } from '../server/staging/consolidate.service.ts';
import { Ingest } from '../server/staging/ingest.service.ts';
import { insertMigration } from '../server/staging/source-file.repository.ts';
import { upsertCompany } from '../server/tenants/company.repository.ts';
import { createTestDb } from '../test/helpers/db.ts';
import { measure } from './report.ts';

const [engine, dir] = process.argv.slice(2) as ['sqlite' | 'postgres', string];
const t = await createTestDb(engine);
const startRssMb = process.memoryUsage.rss() / 2 ** 20;
try {
  await upsertCompany(t.db, { id: 1, name: 'Bench', mode: 'local' });
  const migration = await insertMigration(t.db, 1, 'bench');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => ({ name: f, path: path.join(dir, f), storedPath: null }));
  const settings = {
    dataDir: path.join(dir, 'data'),
    maxFileBytes: 4 * 2 ** 30,
    zip: { maxEntries: 10_000, maxEntryBytes: 2 ** 31, maxTotalBytes: 2 ** 33, maxRatio: 200 },
  };
  let peak = 0;
  const ingest = await measure(() => new Ingest(t.db, settings, 1, migration.id).stageAll(files));
  peak = Math.max(peak, ingest.peakRssMb);
  const failed = ingest.result.filter((f) => f.status === 'failed');
  if (failed.length) throw new Error(`bench files failed: ${JSON.stringify(failed)}`);
  const cons = await measure(() => consolidate(t.db, 1, migration.id, { tempDir: path.join(dir, 'tmp') }));
  peak = Math.max(peak, cons.peakRssMb);
  process.stdout.write(
    `${JSON.stringify({
      engine,
      ingestMs: ingest.ms,
      consolidateMs: cons.ms,
      peakRssMb: peak,
      startRssMb,
      ingestPeakRssMb: ingest.peakRssMb,
      consolidatePeakRssMb: cons.peakRssMb,
      rows: ingest.result.reduce((n, f) => n + f.rows, 0),
      persons: cons.result.counts.person,
    })}\n`,
  );
} finally {
  await t.destroy();
}
