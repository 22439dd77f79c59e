// `actimo-pipedrive report <migrationId> [--format html|json|csv] [--out DIR]`: the reconciliation report
// as a self-contained HTML page, as JSON, or as the skip files (CSV, one per source export). Without
// --out, HTML and JSON go to stdout; CSV needs --out (there may be several files). Prints the paths written.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { boot } from '../boot.ts';
import { ValidationError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { buildMapping } from '../mapping/index.ts';
import { ArtifactsService } from '../report/artifacts.service.ts';
import { EngineFactsRepository } from '../report/engine-facts.repository.ts';
import { reportHtml } from '../report/html.ts';
import { ReportService } from '../report/report.service.ts';
import { buildServices } from '../services.ts';
import { LOCAL_COMPANY } from '../tenants/tenant-context.ts';
import type { CliIo, OutputOptions } from './io.ts';

const FORMATS = ['html', 'json', 'csv'] as const;

export function registerReportCommands(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('write the reconciliation report of a migration (HTML, JSON, or the skip files as CSV)')
    .argument('<migrationId>', 'the migration (see `stage`)')
    .option('--format <format>', 'html, json or csv', 'html')
    .option('--out <dir>', 'write the files into this folder instead of stdout')
    .action(async (migrationArg: string, o: { format: string; out?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions>();
      if (!/^[1-9]\d*$/.test(migrationArg))
        throw new ValidationError('invalid_id', 'The migration id must be a positive whole number.');
      const format = o.format as (typeof FORMATS)[number];
      if (!FORMATS.includes(format))
        throw new ValidationError('invalid_format', `--format must be html, json or csv, not "${o.format}".`);
      if (format === 'csv' && !o.out)
        throw new ValidationError('out_required', 'The skip files are one CSV per export: give --out DIR.');
      const runtime = await boot({ logLevel: 'silent', demoSandbox: false });
      const { config, db } = runtime;
      try {
        const services = buildServices({ config, db, logger: createLogger('silent') });
        const mapping = buildMapping({ db, dataDir: config.dataDir, pipedrive: services.pipedrive });
        const reports = new ReportService({
          db,
          clock: services.clock,
          maps: mapping.maps,
          artifacts: new ArtifactsService(db, services.clock),
          engine: new EngineFactsRepository(db),
        });
        const migrationId = Number(migrationArg);
        const files: Array<{ name: string; body: string }> = [];
        if (format === 'csv') {
          for (const f of await reports.skipFiles(LOCAL_COMPANY.id, migrationId))
            files.push({ name: f.fileName, body: f.csv });
        } else {
          const report = await reports.report(LOCAL_COMPANY.id, migrationId, LOCAL_COMPANY.userId);
          const body = format === 'html' ? reportHtml(report) : `${JSON.stringify(report, null, 2)}\n`;
          if (!o.out) {
            io.out(body);
            return;
          }
          files.push({ name: `reconciliation-migration-${migrationId}.${format}`, body });
        }
        const dir = o.out!;
        await mkdir(dir, { recursive: true });
        const written: string[] = [];
        for (const f of files) {
          const p = path.join(dir, f.name);
          await writeFile(p, f.body);
          written.push(p);
        }
        io.out(opts.json ? JSON.stringify({ files: written }, null, 2) : written.join('\n'));
      } finally {
        await runtime.close();
      }
    });
}
