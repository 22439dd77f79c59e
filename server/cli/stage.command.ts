// `actimo-pipedrive stage <file|dir|zip>...`: stages exports into a new migration (or --migration ID),
// the same way an upload in the panel does, and prints the migration id, what each file was recognised
// as, and the issues found. Staging the same files again changes nothing (files are known by sha256).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { stagingSettings } from '../app.ts';
import { boot } from '../boot.ts';
import { ValidationError } from '../errors.ts';
import type { InputFile } from '../staging/ingest.service.ts';
import { type StageResult, StagingService } from '../staging/staging.service.ts';
import { LOCAL_COMPANY } from '../tenants/tenant-context.ts';
import { type CliIo, ExitWith, emit, type OutputOptions } from './io.ts';

/** Files named on the command line; a folder contributes its files (recursively, sorted). */
export async function expand(paths: readonly string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    const s = await stat(abs).catch(() => undefined);
    if (!s) throw new ValidationError('file_not_found', `${p} does not exist.`);
    if (s.isDirectory()) {
      const entries = (await readdir(abs, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      for (const file of entries)
        out.push({
          name: path.relative(path.dirname(abs), file).split(path.sep).join('/'),
          path: file,
          storedPath: file,
        });
    } else out.push({ name: path.basename(abs), path: abs, storedPath: abs });
  }
  return out;
}

function human(r: StageResult): string {
  const lines = [`Migration ${r.migrationId}`];
  for (const f of r.files) {
    const what =
      f.status === 'failed'
        ? `FAILED ${f.error?.message ?? ''}`
        : `${f.kind}${f.status === 'staged' ? `, ${f.rows} rows, ${f.encoding}${f.delimiter ? `, "${f.delimiter === '\t' ? '\\t' : f.delimiter}"` : ''}` : ' (kept)'}${f.alreadyStaged ? ' (already staged)' : ''}`;
    lines.push(`  ${f.name}${f.sheetName ? ` [${f.sheetName}]` : ''}: ${what}`);
  }
  const c = r.summary.counts;
  lines.push(
    `Staged ${c.person} people, ${c.organization} companies, ${c.membership} links, ${c.metrics} metric sets, ${c.activity} activities, ${c.file} files.`,
  );
  for (const i of r.summary.issues) lines.push(`  ${i.count} × ${i.code} (${i.entity}, ${i.severity})`);
  return lines.join('\n');
}

export function registerStageCommands(program: Command, io: CliIo): void {
  program
    .command('stage')
    .description('stage Actimo exports (files, folders or zips) into a migration and print its id')
    .argument('<paths...>', 'export files, folders of them, or zip archives')
    .option('--migration <id>', 'add to this migration instead of creating one')
    .option('--name <name>', 'name of the new migration')
    .action(async (paths: string[], o: { migration?: string; name?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions>();
      if (o.migration !== undefined && !/^[1-9]\d*$/.test(o.migration)) {
        throw new ValidationError('invalid_id', '--migration must be a positive whole number.');
      }
      const inputs = await expand(paths);
      const runtime = await boot({ logLevel: 'silent', demoSandbox: false });
      const { config, db } = runtime;
      try {
        const staging = new StagingService(db, stagingSettings(config));
        const companyId = LOCAL_COMPANY.id;
        const migrationId = o.migration
          ? (await staging.migration(companyId, Number(o.migration))).id
          : (await staging.createMigration(companyId, o.name)).id;
        // A progress line on a terminal only; scripts and --json get the result alone.
        const bar =
          io.interactive && !opts.json
            ? new SingleBar(
                { format: 'Staging {file}: {rows} rows', hideCursor: true, clearOnComplete: true },
                Presets.shades_classic,
              )
            : undefined;
        bar?.start(0, 0, { file: '', rows: 0 });
        const result = await staging
          .stage(companyId, migrationId, inputs, (file, rows) =>
            bar?.update(0, { file, rows: rows.toLocaleString('en-US') }),
          )
          .finally(() => bar?.stop());
        const failed = result.files.filter((f) => f.status === 'failed');
        emit(
          io,
          opts,
          {
            migrationId,
            files: result.files.map((f) => ({
              name: f.name,
              ...(f.sheetName ? { sheet: f.sheetName } : {}),
              kind: f.kind,
              rows: f.rows,
              encoding: f.encoding,
              delimiter: f.delimiter,
              status: f.status,
              ...(f.alreadyStaged ? { alreadyStaged: true } : {}),
              ...(f.error ? { error: { code: f.error.code, message: f.error.message } } : {}),
            })),
            counts: result.summary.counts,
            issues: result.summary.issues,
          },
          () => human(result),
        );
        if (failed.length > 0 && !opts.json)
          for (const f of failed) io.err(`error: ${f.error?.message ?? f.name}`);
        // Every file failed: the run failed. Some failed: the others are staged, and the output says which.
        if (failed.length === result.files.length && failed[0]?.error)
          throw new ExitWith(failed[0].error.kind === 'validation' ? 2 : 1);
      } finally {
        await runtime.close();
      }
    });
}
