// How CLI commands talk to the terminal: `--json` gives one JSON document on stdout for scripts;
// otherwise short human lines, with progress bars when stdout is a terminal.
import { AppError } from '../errors.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress bars only make sense on a terminal. */
  interactive: boolean;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: Boolean(process.stdout.isTTY),
};

export interface OutputOptions {
  json?: boolean;
}

/** Prints a command's result: the data as JSON, or the human rendering of it. */
export function emit<T>(io: CliIo, opts: OutputOptions, data: T, human: (data: T) => string): void {
  io.out(opts.json ? JSON.stringify(data, null, 2) : human(data));
}

/** Exit code and message for an error; JSON on stdout with --json so scripts can read it. */
export function reportError(io: CliIo, opts: OutputOptions, err: unknown): number {
  const known = err instanceof AppError;
  const code = known
    ? err.code
    : err instanceof Error && err.name === 'ConfigError'
      ? 'config_error'
      : 'internal_error';
  const message = err instanceof Error ? err.message : String(err);
  if (opts.json) io.out(JSON.stringify({ error: { code, message } }, null, 2));
  else io.err(`error: ${message}`);
  return known && err.kind === 'validation' ? 2 : 1;
}

/** Thrown by a command that has already printed its result (and why it failed): only the exit code is left. */
export class ExitWith extends Error {
  override name = 'ExitWith';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
