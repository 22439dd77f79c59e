// `actimo-pipedrive migrate <migrationId> [--sample N] [--yes] [--json]`: plans the migration, shows the
// plan and asks (unless --yes), then runs it in this process with a progress bar (rate and ETA). A run
// that is queued, paused or was interrupted (even by kill -9) is resumed instead of starting a new one.
// Writes to PIPEDRIVE_API_URL with PIPEDRIVE_API_TOKEN, or to the local sandbox without them.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { boot } from '../boot.ts';
import { ValidationError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { MigrationEngine } from '../migration/engine.ts';
import { localOwnerName } from '../migration/lease.ts';
import type { Plan } from '../migration/plan.ts';
import { countRecords } from '../migration/records.repository.ts';
import { activeRun, getRun, type Run } from '../migration/runs.repository.ts';
import type { Counts } from '../migration/types.ts';
import { buildServices } from '../services.ts';
import { LOCAL_COMPANY } from '../tenants/tenant-context.ts';
import { type CliIo, ExitWith, type OutputOptions } from './io.ts';

function planText(p: Plan, sample: number | undefined): string {
  const e = p.entities;
  const line = (name: string, x: Plan['entities']['person']) =>
    `  ${name.padEnd(14)} create ${x.create}, merge ${x.merge}, skip ${x.skip}, already written ${x.done}` +
    (Object.keys(x.reasons).length
      ? ` (${Object.entries(x.reasons)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')})`
      : '');
  const est = p.estimate;
  return [
    `Plan (map version ${p.mapVersion}, duplicates: ${p.policy}):`,
    line('Organizations', e.organization),
    line('Persons', e.person),
    line('Notes', e.note),
    `  Owners: ${p.owners.matched} matched by e-mail, ${p.owners.defaulted} given the default owner`,
    `  Cost: ${est.requests} requests, ${est.tokens} tokens; about ${Math.ceil(est.seconds)} s at ${est.burstLimit} requests / 2 s; ${est.days} budget day(s) at ${est.dailyAllowance} tokens a day`,
    sample ? `  A sample of ${sample} persons (with their organizations) runs first.` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const total = (c: Counts, states: string[]) =>
  Object.values(c).reduce(
    (s, byState) => s + states.reduce((t, st) => t + ((byState as Record<string, number>)[st] ?? 0), 0),
    0,
  );

function summary(run: Run, counts: Counts) {
  return {
    migrationId: run.migrationId,
    runId: run.id,
    kind: run.kind,
    status: run.status,
    counts,
    requests: run.requests,
    tokens: run.tokens,
    writes: run.writes,
    resumeAt: run.resumeAt === null ? null : new Date(run.resumeAt).toISOString(),
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
  };
}

export function registerMigrateCommands(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('plan and run a migration into Pipedrive (resumes an interrupted or paused run)')
    .argument('<migrationId>', 'the migration (see `stage` and `plan`)')
    .option('--sample <n>', 'run a sample of N persons first (stratified), instead of the full run')
    .option('--yes', 'do not ask before writing to Pipedrive')
    .action(async (migrationArg: string, o: { sample?: string; yes?: boolean }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions>();
      if (!/^[1-9]\d*$/.test(migrationArg))
        throw new ValidationError('invalid_id', 'The migration id must be a positive whole number.');
      if (o.sample !== undefined && !/^[1-9]\d*$/.test(o.sample))
        throw new ValidationError('invalid_sample_size', '--sample must be a positive whole number.');
      const runtime = await boot({ logLevel: 'silent' });
      const { config, db, localPipedrive } = runtime;
      try {
        const logger = createLogger('silent');
        const services = buildServices({ config, db, logger }, localPipedrive ? { localPipedrive } : {});
        const { service } = services.migration;
        const companyId = LOCAL_COMPANY.id;
        const migrationId = Number(migrationArg);
        const sample = o.sample === undefined ? undefined : Number(o.sample);

        let run = await activeRun(db, companyId, migrationId);
        if (run?.kind === 'rollback')
          throw new ValidationError(
            'run_in_progress',
            `Rollback run ${run.id} of this migration is ${run.status}; finish it with \`actimo-pipedrive rollback ${migrationId}\` first.`,
          );
        if (!run) {
          const plan = await service.plan(companyId, migrationId);
          if (!o.yes) {
            if (!io.interactive)
              throw new ValidationError(
                'confirmation_required',
                `${planText(plan, sample)}\nNothing was written: pass --yes to run without asking.`,
              );
            io.out(planText(plan, sample));
            const rl = createInterface({ input: process.stdin, output: process.stdout });
            const answer = await rl.question('Write this to Pipedrive? [y/N] ');
            rl.close();
            if (!/^y(es)?$/i.test(answer.trim())) {
              io.out('Nothing was written.');
              return;
            }
          }
          run =
            sample === undefined
              ? await service.startFull(companyId, migrationId)
              : await service.startSample(companyId, migrationId, sample);
        } else if (!opts.json) io.out(`Resuming run ${run.id} (${run.kind}, ${run.status}).`);

        const est = run.estimate as { lines?: Array<{ op: string; requests: number }> } | null;
        const writesPlanned = (est?.lines ?? [])
          .filter((l) => /\.(add|update)$/.test(l.op))
          .reduce((s, l) => s + l.requests, 0);
        const bar =
          io.interactive && !opts.json
            ? new SingleBar(
                {
                  format:
                    'Migrating [{bar}] {percentage}% | {value}/{total} writes | {rate}/s | ETA {eta_formatted}',
                  hideCursor: true,
                },
                Presets.shades_classic,
              )
            : undefined;
        const started = Date.now();
        const base = run.writes;
        bar?.start(Math.max(writesPlanned, 1), 0, { rate: '0' });
        const engine = new MigrationEngine({
          db,
          clock: services.clock,
          pipedrive: services.pipedrive,
          mapping: services.migration.mapping,
          workerId: localOwnerName(hostname(), process.pid, randomBytes(4).toString('hex')),
          onProgress: (p) => {
            const rate = (p.writes - base) / Math.max(0.001, (Date.now() - started) / 1000);
            bar?.update(Math.min(p.writes - base, Math.max(writesPlanned, 1)), { rate: rate.toFixed(1) });
          },
        });
        const status = await engine.execute(companyId, run.id).finally(() => bar?.stop());
        if (status === 'busy')
          throw new ValidationError('run_busy', `Run ${run.id} is being executed by another process.`);
        const after = (await getRun(db, companyId, run.id))!;
        const counts = await countRecords(db, companyId, migrationId);
        const out = summary(after, counts);
        if (opts.json) io.out(JSON.stringify(out, null, 2));
        else {
          io.out(
            `Run ${after.id} ${after.status}: ${total(counts, ['done'])} records written or merged, ${total(counts, ['skipped'])} skipped, ${total(counts, ['failed', 'unknown'])} failed; ${after.requests} requests, ${after.tokens} tokens.`,
          );
          if (after.status === 'paused' && out.resumeAt)
            io.out(
              `Paused for the daily token budget until ${out.resumeAt}; run the same command again after that.`,
            );
        }
        if (after.status === 'failed') throw new ExitWith(1);
      } finally {
        await runtime.close();
      }
    });
}
