// `actimo-pipedrive rollback <migrationId> [--run <id>] [--force] [--remove-fields] [--dry-run] [--yes]
// [--json]`: shows what a rollback would delete, restore and keep (and why), asks (unless --yes), then
// runs it in this process. A rollback that is queued, paused or was interrupted (even by kill -9) is
// resumed instead of starting a new one. --dry-run writes nothing.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { boot } from '../boot.ts';
import { ValidationError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { localOwnerName } from '../migration/lease.ts';
import { activeRun } from '../migration/runs.repository.ts';
import { RollbackEngine } from '../rollback/engine.ts';
import type { DryRun, RollbackStatus } from '../rollback/service.ts';
import { buildServices } from '../services.ts';
import { LOCAL_COMPANY } from '../tenants/tenant-context.ts';
import { type CliIo, ExitWith, type OutputOptions } from './io.ts';

const ENTITY_NAMES: Record<string, string> = {
  activity: 'Activities',
  file: 'Files',
  note: 'Notes',
  person: 'Persons',
  organization: 'Organizations',
  field: 'Custom fields',
};

function counts(summary: Record<string, Record<string, number>>): string[] {
  return Object.entries(summary).map(
    ([entity, byAction]) =>
      `  ${(ENTITY_NAMES[entity] ?? entity).padEnd(14)} ${Object.entries(byAction)
        .map(([a, n]) => `${a.replace('_', ' ')} ${n}`)
        .join(', ')}`,
  );
}

function dryRunText(d: DryRun): string {
  const lines = [
    `Rollback of migration ${d.migrationId}${d.scope.runId ? ` (run ${d.scope.runId})` : ''}${d.force ? ', forced' : ''}:`,
    ...counts(d.summary as Record<string, Record<string, number>>),
  ];
  const kept = d.items.filter((i) => i.action === 'keep' || i.reason === 'restore_partial');
  if (kept.length > 0) {
    lines.push('', 'Changed in Pipedrive since we wrote them (kept; --force deletes records we created):');
    for (const i of kept.slice(0, 50))
      lines.push(
        `  ${i.entity} ${i.pipedriveId} ${i.detail.label ?? ''} — ${i.reason}: ${(i.detail.conflicts ?? []).map((c) => c.key).join(', ')}`,
      );
    if (kept.length > 50) lines.push(`  … and ${kept.length - 50} more`);
  }
  return lines.join('\n');
}

function statusText(s: RollbackStatus): string {
  if (!s.run) return 'No rollback.';
  return [
    `Rollback run ${s.run.id}: ${s.run.status}; ${s.run.writes} writes, ${s.run.requests} requests, ${s.run.tokens} tokens.`,
    ...counts(s.summary),
  ].join('\n');
}

export function registerRollbackCommands(program: Command, io: CliIo): void {
  program
    .command('rollback')
    .description(
      'undo a migration (or one run): delete what it created, restore what it changed, keep what people edited since',
    )
    .argument('<migrationId>', 'the migration')
    .option('--run <runId>', 'roll back only this run')
    .option('--force', 'delete records we created even when someone changed them since')
    .option('--remove-fields', 'also remove the custom fields we created, where no record holds a value')
    .option('--dry-run', 'show what would be deleted, restored and kept; write nothing')
    .option('--yes', 'do not ask before writing to Pipedrive')
    .action(
      async (
        migrationArg: string,
        o: { run?: string; force?: boolean; removeFields?: boolean; dryRun?: boolean; yes?: boolean },
        cmd: Command,
      ) => {
        const opts = cmd.optsWithGlobals<OutputOptions>();
        if (!/^[1-9]\d*$/.test(migrationArg))
          throw new ValidationError('invalid_id', 'The migration id must be a positive whole number.');
        if (o.run !== undefined && !/^[1-9]\d*$/.test(o.run))
          throw new ValidationError('invalid_id', '--run must be a positive whole number.');
        const runtime = await boot({ logLevel: 'silent' });
        const { config, db, localPipedrive } = runtime;
        try {
          const services = buildServices(
            { config, db, logger: createLogger('silent') },
            localPipedrive ? { localPipedrive } : {},
          );
          const svc = services.rollback;
          const companyId = LOCAL_COMPANY.id;
          const migrationId = Number(migrationArg);
          const options = {
            ...(o.run ? { runId: Number(o.run) } : {}),
            force: o.force === true,
            removeFields: o.removeFields === true,
          };
          let run = await activeRun(db, companyId, migrationId);
          if (run && run.kind !== 'rollback')
            throw new ValidationError(
              'run_in_progress',
              `Run ${run.id} (${run.kind}) of this migration is ${run.status}; finish or cancel it first.`,
            );
          if (!run) {
            const dry = await svc.dryRun(companyId, migrationId, options);
            if (o.dryRun) {
              io.out(opts.json ? JSON.stringify(dry, null, 2) : dryRunText(dry));
              return;
            }
            if (!o.yes) {
              if (!io.interactive)
                throw new ValidationError(
                  'confirmation_required',
                  `${dryRunText(dry)}\nNothing was written: pass --yes to roll back without asking.`,
                );
              io.out(dryRunText(dry));
              const rl = createInterface({ input: process.stdin, output: process.stdout });
              const answer = await rl.question('Roll this back in Pipedrive? [y/N] ');
              rl.close();
              if (!/^y(es)?$/i.test(answer.trim())) {
                io.out('Nothing was written.');
                return;
              }
            }
            run = await svc.start(companyId, migrationId, { ...options, token: dry.token, startedBy: 'cli' });
          } else if (!opts.json) io.out(`Resuming rollback run ${run.id} (${run.status}).`);
          const engine = new RollbackEngine({
            db,
            clock: services.clock,
            pipedrive: services.pipedrive,
            workerId: localOwnerName(hostname(), process.pid, randomBytes(4).toString('hex')),
          });
          const status = await engine.execute(companyId, run.id);
          if (status === 'busy')
            throw new ValidationError('run_busy', `Run ${run.id} is being executed by another process.`);
          const result = await svc.status(companyId, migrationId, run.id);
          io.out(opts.json ? JSON.stringify(result, null, 2) : statusText(result));
          if (status !== 'completed') throw new ExitWith(1);
        } finally {
          await runtime.close();
        }
      },
    );
}
