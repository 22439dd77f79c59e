// `actimo-pipedrive`: the same engine as the panel, for admins who migrate from a terminal and for our
// benchmarks. Each area registers its commands; every command accepts --json.
import { Command, CommanderError } from 'commander';
import { registerDbCommands } from './cli/db.command.ts';
import { registerDeltaCommands } from './cli/delta.command.ts';
import { type CliIo, ExitWith, processIo, reportError } from './cli/io.ts';
import { registerMigrateCommands } from './cli/migrate.command.ts';
import { registerPlanCommands } from './cli/plan.command.ts';
import { registerReportCommands } from './cli/report.command.ts';
import { registerRollbackCommands } from './cli/rollback.command.ts';
import { registerStageCommands } from './cli/stage.command.ts';

export function buildCli(io: CliIo): Command {
  const program = new Command('actimo-pipedrive')
    .description(
      'Move a company from Actimo to Pipedrive: stage exports, map fields, migrate, report, roll back.',
    )
    .option('--json', 'print one JSON document on stdout (for scripts)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerDbCommands(program, io);
  registerStageCommands(program, io);
  registerRollbackCommands(program, io);
  registerPlanCommands(program, io);
  registerMigrateCommands(program, io);
  registerDeltaCommands(program, io);
  registerReportCommands(program, io);
  return program;
}

/** Runs the CLI with the given arguments (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildCli(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ExitWith) return err.exitCode;
    return reportError(io, { json: argv.includes('--json') }, err);
  }
}
