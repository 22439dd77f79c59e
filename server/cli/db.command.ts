import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { type Knex, migrateLatest, migrateRollback, migrationStatus, openDb } from '../db.ts';
import { type CliIo, emit, type OutputOptions } from './io.ts';

async function withDb<T>(fn: (db: Knex) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig().database);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command('db').description('database maintenance');
  const opts = (cmd: Command) => cmd.optsWithGlobals<OutputOptions>();

  db.command('migrate')
    .description('apply pending migrations')
    .action(async (_o, cmd: Command) => {
      const result = await withDb(migrateLatest);
      emit(io, opts(cmd), result, (r) =>
        r.applied.length === 0
          ? 'Already up to date.'
          : `Applied ${r.applied.length}: ${r.applied.join(', ')}`,
      );
    });

  db.command('rollback')
    .description('revert the last batch of migrations (or all with --all)')
    .option('--all', 'revert every migration')
    .action(async (o: { all?: boolean }, cmd: Command) => {
      const result = await withDb((k) => migrateRollback(k, o.all === true));
      emit(io, opts(cmd), result, (r) =>
        r.reverted.length === 0
          ? 'Nothing to revert.'
          : `Reverted ${r.reverted.length}: ${r.reverted.join(', ')}`,
      );
    });

  db.command('status')
    .description('list applied and pending migrations')
    .action(async (_o, cmd: Command) => {
      const result = await withDb(migrationStatus);
      emit(
        io,
        opts(cmd),
        result,
        (r) =>
          `Applied: ${r.applied.length}. Pending: ${r.pending.length}${r.pending.length ? ` (${r.pending.join(', ')})` : ''}.`,
      );
    });
}
