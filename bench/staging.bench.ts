// Staging throughput against bare csv-parse over the same generated export set, and peak RSS of staging
// BENCH_USERS users (default 1,000,000) plus the other exports in proportion, on SQLite and PostgreSQL.
// Each engine runs in a child process of its own so its peak RSS is its own. BENCH_ENGINES=postgres
// runs one engine; BENCH_LANGUAGE=en writes English headers.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { generateExportSet } from '../test/fixtures/generate.ts';
import { measure, printFigure, printHeader, printRatio } from './report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The baseline: csv-parse alone reading every file, with the delimiter given (no decoding, no storing). */
async function bareParse(files: readonly string[], delimiter: string): Promise<number> {
  let rows = 0;
  for (const file of files) {
    const parser = createReadStream(file).pipe(
      parse({ delimiter, relax_column_count: true, skip_empty_lines: true }),
    );
    parser.on('data', () => {
      rows++;
    });
    await new Promise<void>((resolve, reject) => {
      parser.on('end', () => resolve());
      parser.on('error', reject);
    });
  }
  return rows;
}

interface WorkerResult {
  engine: string;
  ingestMs: number;
  consolidateMs: number;
  peakRssMb: number;
  startRssMb: number;
  ingestPeakRssMb: number;
  consolidatePeakRssMb: number;
  rows: number;
  persons: number;
}

function runWorker(engine: 'sqlite' | 'postgres', dir: string): WorkerResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'staging-worker.ts'), engine, dir],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`staging worker (${engine}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as WorkerResult;
}

export default async function stagingBench(): Promise<void> {
  const users = Number(process.env.BENCH_USERS ?? 1_000_000);
  const language = process.env.BENCH_LANGUAGE === 'en' ? 'en' : 'da';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-staging-'));
  try {
    printHeader(
      'staging',
      `${users.toLocaleString('en-US')} users (${language} headers, shuffled columns) plus the other exports in proportion`,
    );
    const set = await generateExportSet({ dir, users, language, shuffle: true, seed: 7 });
    const bytes = set.files.reduce((n, f) => n + statSync(f).size, 0);
    const totalRows = Object.values(set.rows).reduce((a, b) => a + b, 0);
    printFigure(
      'export set',
      `${set.files.length} files, ${totalRows.toLocaleString('en-US')} data rows, ${(bytes / 2 ** 20).toFixed(1)} MiB`,
    );
    const base = await measure(() => bareParse(set.files, language === 'da' ? ';' : ','));
    const baseRate = totalRows / (base.ms / 1000);
    printFigure('bare csv-parse', `${Math.round(baseRate).toLocaleString('en-US')} rows/s`);
    const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',') as Array<
      'sqlite' | 'postgres'
    >;
    for (const engine of engines) {
      const w = runWorker(engine, dir);
      printRatio({
        label: `${engine}: decode + parse + profile + store raw rows, vs bare csv-parse`,
        ours: w.rows / (w.ingestMs / 1000),
        baseline: baseRate,
        unit: 'rows/s',
        target: 0.5,
      });
      printRatio({
        label: `${engine}: full staging incl. consolidation (${w.persons.toLocaleString('en-US')} persons), vs bare csv-parse`,
        ours: w.rows / ((w.ingestMs + w.consolidateMs) / 1000),
        baseline: baseRate,
        unit: 'rows/s',
      });
      printFigure(`${engine}: peak RSS of the staging process`, w.peakRssMb, `MB (target < 300)`);
      printFigure(
        `${engine}: RSS by phase`,
        `${Math.round(w.startRssMb)} MB after start-up, ${Math.round(w.ingestPeakRssMb)} MB peak while storing rows, ${Math.round(w.consolidatePeakRssMb)} MB peak while consolidating; ${(w.ingestMs / 1000).toFixed(1)} s storing, ${(w.consolidateMs / 1000).toFixed(1)} s consolidating`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
