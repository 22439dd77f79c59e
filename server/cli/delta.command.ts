// `actimo-pipedrive delta <migrationId> <file|dir|zip>... [--policy P] [--yes] [--json]`: stages a newer
// Actimo export set into a live migration, prints what would change in Pipedrive (created, updated with
// the fields, held back because a human changed them, gone from the export, deleted in Pipedrive) and,
// with --yes, runs the delta with the engine and prints the run.
import type { Command } from 'commander';
import { stagingSettings } from '../app.ts';
import { boot } from '../boot.ts';
import type { DeltaPreview, EntityDelta } from '../delta/actimo-delta.service.ts';
import { DELTA_POLICIES, type DeltaPolicy } from '../delta/diff.ts';
import { ValidationError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { getRun, type Run } from '../migration/runs.repository.ts';
import { buildServices } from '../services.ts';
import { StagingService } from '../staging/staging.service.ts';
import { LOCAL_COMPANY } from '../tenants/tenant-context.ts';
import { type CliIo, ExitWith, emit, type OutputOptions } from './io.ts';
import { expand } from './stage.command.ts';

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

function entityLines(name: string, e: EntityDelta): string[] {
  const lines = [
    `${name}: ${e.created.length} new, ${e.updated.length} changed, ${e.unchanged} unchanged, ${e.gone.length} gone from the export, ${e.deletedInPipedrive.length} deleted in Pipedrive`,
  ];
  for (const c of e.created.slice(0, 20)) lines.push(`  + ${c.actimoId} ${c.label ?? ''}`.trimEnd());
  for (const u of e.updated.slice(0, 50)) {
    lines.push(`  ~ ${u.actimoId} (Pipedrive ${u.pipedriveId})`);
    for (const f of u.fields) {
      const held = u.heldBack.some((h) => h.key === f.key);
      lines.push(
        `      ${f.target ?? f.key}: ${show(f.from)} → ${show(f.to)}${held ? '  (held back: changed in Pipedrive)' : ''}`,
      );
    }
  }
  for (const g of e.gone.slice(0, 20)) lines.push(`  - ${g.actimoId} (flagged, not deleted)`);
  for (const d of e.deletedInPipedrive.slice(0, 20))
    lines.push(`  x ${d.actimoId} (deleted in Pipedrive: left alone)`);
  return lines;
}

function human(r: { preview: DeltaPreview; run: Run | null }): string {
  const p = r.preview;
  const lines = [
    `Migration ${p.migrationId}: delta from ${p.newerFiles.length} newer file${p.newerFiles.length === 1 ? '' : 's'} (policy ${p.policy})`,
    ...p.newerFiles.map((f) => `  ${f.name} (${f.kind})`),
    ...entityLines('People', p.persons),
    ...entityLines('Companies', p.organizations),
    `Delta window: ${p.deltaWindow.hours} h after the full run${p.deltaWindow.endsAt ? `, until ${p.deltaWindow.endsAt}${p.deltaWindow.open ? '' : ' (closed)'}` : ''}`,
  ];
  if (!r.run) lines.push('', 'Nothing was written. Run again with --yes to apply.');
  else
    lines.push(
      '',
      `Run ${r.run.id} (delta): ${r.run.status}, ${r.run.writes} writes, ${r.run.requests} requests, ${r.run.tokens} tokens`,
    );
  return lines.join('\n');
}

export function registerDeltaCommands(program: Command, io: CliIo): void {
  program
    .command('delta')
    .description('apply a newer Actimo export to a live migration: preview, then --yes to write')
    .argument('<migrationId>', 'a migration whose full run completed')
    .argument('<paths...>', 'the newer export files, folders of them, or zip archives')
    .option(
      '--policy <policy>',
      `fields a human changed in Pipedrive: ${DELTA_POLICIES.join(' | ')}`,
      'keep_pipedrive',
    )
    .option('--yes', 'write the delta to Pipedrive (without it, only the preview is printed)')
    .action(
      async (migrationArg: string, paths: string[], o: { policy: string; yes?: boolean }, cmd: Command) => {
        const opts = cmd.optsWithGlobals<OutputOptions>();
        if (!/^[1-9]\d*$/.test(migrationArg))
          throw new ValidationError('invalid_id', 'The migration id must be a positive whole number.');
        if (!(DELTA_POLICIES as readonly string[]).includes(o.policy))
          throw new ValidationError(
            'invalid_policy',
            `--policy must be one of ${DELTA_POLICIES.join(', ')}.`,
          );
        const policy = o.policy as DeltaPolicy;
        const inputs = await expand(paths);
        const runtime = await boot({ logLevel: 'silent' });
        const { config, db, localPipedrive } = runtime;
        try {
          const services = buildServices(
            { config, db, logger: createLogger('silent') },
            localPipedrive ? { localPipedrive } : {},
          );
          const companyId = LOCAL_COMPANY.id;
          const migrationId = Number(migrationArg);
          const staging = new StagingService(db, stagingSettings(config));
          await services.delta.requireLive(companyId, migrationId);
          const staged = await staging.stage(companyId, migrationId, inputs);
          const failed = staged.files.filter((f) => f.status === 'failed');
          for (const f of failed) io.err(`error: ${f.error?.message ?? f.name}`);
          if (failed.length === staged.files.length && failed[0]?.error)
            throw new ExitWith(failed[0].error.kind === 'validation' ? 2 : 1);
          if (!o.yes) {
            const preview = await services.migration.delta.preview(companyId, migrationId, policy);
            emit(io, opts, { preview, run: null }, human);
            return;
          }
          const { run, preview } = await services.migration.delta.apply(companyId, migrationId, policy);
          const worker = services.migration.worker;
          worker.start();
          let done: Run | undefined;
          try {
            for (;;) {
              done = await getRun(db, companyId, run.id);
              if (done && !['queued', 'running'].includes(done.status)) break;
              await new Promise((r) => setTimeout(r, 200));
            }
          } finally {
            await worker.stop();
          }
          emit(io, opts, { preview, run: done ?? run }, human);
          if (done?.status !== 'completed') throw new ExitWith(1);
        } finally {
          await runtime.close();
        }
      },
    );
}
