// Runs the real entry points (server, CLI) as child processes, the way a user starts them.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child: PATH and HOME only, so the developer's own variables cannot leak in. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...extra };
}

export function run(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running child and resolves once a stdout line matches. */
export function startUntil(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(env) });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`never became ready: ${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready: ${out}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

export interface KillPlan {
  args: string[];
  env: Record<string, string>;
  /** How far the command has got (e.g. ledger rows): each kill waits for it to move past the last attempt. */
  progress: () => Promise<number>;
  kills: number;
  random: () => number;
  /** The kill comes at a random moment within this many milliseconds after progress was seen. */
  windowMs: number;
  pollMs: number;
}

/**
 * Runs the command again and again, `kill -9`-ing each attempt at a random moment after it made progress,
 * until `kills` kills or an attempt finishes on its own. Resolves with the number of kills.
 */
export async function killAtRandomMoments(p: KillPlan): Promise<number> {
  let kills = 0;
  let finished = false;
  while (kills < p.kills && !finished) {
    const before = await p.progress();
    const child: ChildProcess = spawn(process.execPath, p.args, { cwd: ROOT, env: cleanEnv(p.env) });
    let gone = false;
    const exit = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        gone = true;
        resolve(code);
      }),
    );
    while (!gone && (await p.progress()) <= before) await new Promise((r) => setTimeout(r, p.pollMs));
    if (!gone) await new Promise((r) => setTimeout(r, Math.floor(p.random() * p.windowMs)));
    if (!gone) {
      child.kill('SIGKILL');
      kills++;
    }
    if ((await exit) === 0) finished = true;
  }
  return kills;
}
