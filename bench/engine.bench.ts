// The migration engine against the sandbox (issue 6's performance goals):
// 1. a 10,000-person run with the sandbox's limits on (Ultimate, API token: 120 requests / 2 s): requests
//    and tokens per person, read-back tokens per record, and the sustained rate against the burst limit
//    (no request before a reset, ≤ 1% answered 429);
// 2. the engine alone with the sandbox's limits off: persons per second, against a bare loop of the same
//    SDK calls at the same concurrency (the baseline: what the sandbox and SDK take without the engine),
//    and the CPU this process spends per person. The sandbox runs in a child process (as Pipedrive is
//    another machine), in both parts; ENGINE_BENCH_SANDBOX=in-process puts it back in this one.
// ENGINE_BENCH_ONLY=alone|limited runs one part; ENGINE_BENCH_PERSONS / ENGINE_BENCH_FAST_PERSONS size them.
// Figures are printed; nothing is asserted.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axios, { type AxiosAdapter } from 'axios';
import type { Clock } from '../server/clock.ts';
import { LimiterRegistry, type PipedriveConnection } from '../server/pipedrive/client.ts';
import { costOfOp } from '../server/pipedrive/costs.ts';
import { BurstLimiter } from '../server/pipedrive/rate-limiter.ts';
import { type ExternalSandbox, migrationHarness } from '../test/helpers/migration.ts';
import { sdkClients, type TestSandbox } from '../test/helpers/sandbox.ts';
import { measure, printFigure, printHeader, printRatio } from './report.ts';

const RUN_PERSONS = Number(process.env.ENGINE_BENCH_PERSONS ?? 10_000);
const FAST_PERSONS = Number(process.env.ENGINE_BENCH_FAST_PERSONS ?? 3_000);

interface Logged {
  seq: number;
  at: string;
  method: string;
  operation: string | null;
  status: number;
  cost: number;
  rateLimited: string | null;
}

async function limitedRun(): Promise<void> {
  // Every phase: the files export's rows get their documents (one per 200 users), activities one per 20.
  const attachments = Object.fromEntries(
    Array.from({ length: Math.max(1, Math.floor(RUN_PERSONS / 200)) }, (_, n) => [
      `contract-${n}.pdf`,
      Buffer.from(`%PDF-1.4\n% contract ${n}\n%%EOF\n`),
    ]),
  );
  const inProcess = process.env.ENGINE_BENCH_SANDBOX === 'in-process';
  const h = await migrationHarness<TestSandbox | ExternalSandbox>('sqlite', {
    users: RUN_PERSONS,
    seed: 21,
    plan: 'ultimate',
    attachments,
    ...(inProcess ? {} : { sandbox: () => childSandbox('ultimate') }),
  });
  const sb = h.sb;
  const requestLog = async (sinceSeq: number): Promise<Logged[]> => {
    if ('sandbox' in sb) return sb.sandbox.requests.list({ companyId: sb.companyId, sinceSeq }) as Logged[];
    const res = await fetch(`${sb.url}/__sandbox/requests?companyId=${sb.companyId}&sinceSeq=${sinceSeq}`);
    return ((await res.json()) as { requests: Logged[] }).requests;
  };
  try {
    if ('sandbox' in sb) sb.sandbox.updateSettings({ requestLogSize: 1_000_000 });
    else await sb.updateSettings({ requestLogSize: 1_000_000 });
    const plan = await h.service.plan(1, h.migrationId);
    const run = await h.service.startFull(1, h.migrationId);
    const since = (await requestLog(0)).at(-1)?.seq ?? 0;
    const { ms } = await measure(() => h.engine().execute(1, run.id));
    const after = await h.service.run(1, run.id);
    const log = (await requestLog(since)).filter((r) => r.seq > since);
    const answered = log.filter((r) => r.status !== 429);
    const throttled = log.filter((r) => r.status === 429);
    const by = (op: string) => answered.filter((r) => r.operation === op);
    const persons = plan.entities.person.create + plan.entities.person.merge;
    // The person phase: its writes, its before-image reads and its read-back pages, and its share of the
    // users list every run starts with.
    const personWrites = by('addPerson').length + by('updatePerson').length;
    const personLists = by('getPersons').length;
    const personRequests = personWrites + personLists;
    const personTokens = answered
      .filter((r) => ['addPerson', 'updatePerson', 'getPersons'].includes(String(r.operation)))
      .reduce((s, r) => s + r.cost, 0);
    // Read-back: every list page of the run but the before-image reads of merged persons (100 ids a page).
    const verifiedRecords = Number(
      (
        await h.app.testDb
          .db('migration_records')
          .where({ migration_id: h.migrationId })
          .whereNotNull('verified')
          .count({ n: '*' })
          .first()
      )?.n ?? 0,
    );
    const lists = ['getPersons', 'getOrganizations', 'getNotes', 'getFiles', 'getActivities'];
    const readBackTokens =
      answered.filter((r) => lists.includes(String(r.operation))).reduce((s, r) => s + r.cost, 0) -
      Math.ceil(plan.entities.person.merge / 100) * costOfOp('persons.list');
    const entities = plan.entities as Record<string, { create: number; merge: number }>;
    const count = (e: string) => (entities[e]?.create ?? 0) + (entities[e]?.merge ?? 0);
    const first = Date.parse(answered[0]!.at);
    const last = Date.parse(answered.at(-1)!.at);
    const seconds = Math.max(0.001, (last - first) / 1000);
    const limit = 120;

    printHeader(
      'engine: a limited run',
      `${persons} persons, ${count('organization')} organizations, ${count('note')} notes, ${count('file')} files, ${count('activity')} activities against the sandbox ${inProcess ? 'in this process' : 'in a child process'} (Ultimate, API token, ${limit} requests / 2 s); run ${after.status} in ${(ms / 1000).toFixed(1)} s`,
    );
    printFigure(
      'requests by operation',
      Object.entries(
        answered.reduce<Record<string, number>>((acc, r) => {
          acc[String(r.operation)] = (acc[String(r.operation)] ?? 0) + 1;
          return acc;
        }, {}),
      )
        .map(([op, n]) => `${op} ${n}`)
        .join(', '),
    );
    printFigure(
      'run totals',
      `${answered.length} requests (${throttled.length} answered 429), ${answered.reduce((s, r) => s + r.cost, 0)} tokens; estimate ${plan.estimate.requests} requests, ${plan.estimate.tokens} tokens`,
    );
    const spentTokens = answered.reduce((s, r) => s + r.cost, 0);
    const off = (spent: number, estimate: number) => `${(((spent - estimate) / estimate) * 100).toFixed(2)}%`;
    printFigure(
      'spend against the estimate (target within ±5%)',
      `requests ${off(answered.length, plan.estimate.requests)}, tokens ${off(spentTokens, plan.estimate.tokens)}`,
    );
    printRatio({
      label: 'requests per person (person phase: writes, reads, read-back)',
      ours: personRequests / persons,
      baseline: 1,
      unit: 'requests',
      higherIsBetter: false,
      target: 1.05,
    });
    printFigure(
      'requests per person, whole run (organizations and notes included)',
      answered.length / persons,
    );
    printRatio({
      label: 'tokens per person (v2 prices)',
      ours: personTokens / persons,
      baseline: costOfOp('persons.add'),
      unit: 'tokens',
      higherIsBetter: false,
      target: 5.3 / costOfOp('persons.add'),
    });
    printRatio({
      label: `read-back tokens per record (${verifiedRecords} records of every phase; paged lists vs one GET per record)`,
      ours: readBackTokens / verifiedRecords,
      baseline: costOfOp('persons.get'),
      unit: 'tokens',
      higherIsBetter: false,
      target: 0.05,
    });
    printRatio({
      label: 'sustained request rate vs the burst limit',
      ours: answered.length / seconds,
      baseline: limit / 2,
      unit: 'requests/s',
      target: 0.9,
    });
    printFigure(
      'requests answered 429',
      `${throttled.length} of ${log.length} (${((100 * throttled.length) / log.length).toFixed(2)}%, target ≤ 1%)`,
    );
  } finally {
    await h.close();
  }
}

/** A limiter registry that never holds a request back (the sandbox's limits are off). */
class Unlimited extends LimiterRegistry {
  constructor(private readonly c: Clock) {
    super(c);
  }
  override for(_conn: PipedriveConnection): BurstLimiter {
    return new BurstLimiter({ limit: 1_000_000, clock: this.c });
  }
}

/** Axios's adapter without the rate headers, so the limiter does not learn the plan's limit. */
const withoutRateHeaders: AxiosAdapter = async (config) => {
  const res = await (axios.getAdapter('http') as AxiosAdapter)(config);
  for (const k of Object.keys(res.headers ?? {})) if (k.startsWith('x-ratelimit')) delete res.headers[k];
  return res;
};

/**
 * The sandbox in a child process (as Pipedrive is another machine): this process holds only the engine
 * (and the bare loop it is compared with), so the two do not share one event loop with the emulator.
 */
export async function childSandbox(plan: 'ultimate'): Promise<ExternalSandbox> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--json', '--seed', 'test'].concat([
      '--plan',
      plan,
      '--seats',
      '5',
      '--company',
      'Acme HR',
    ]),
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it listened`)));
  });
  const info = JSON.parse(line) as { url: string; companyId: number; apiToken: string };
  return {
    ...info,
    ...(child.pid ? { pid: child.pid } : {}),
    updateSettings: async (settings) => {
      const res = await fetch(`${info.url}/__sandbox/settings`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      if (!res.ok) throw new Error(`sandbox settings: HTTP ${res.status}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU time (user + system) of a process, in ms, from /proc (Linux); null elsewhere. */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

async function engineAlone(): Promise<void> {
  const inProcess = process.env.ENGINE_BENCH_SANDBOX === 'in-process';
  const h = await migrationHarness<TestSandbox | ExternalSandbox>('sqlite', {
    users: FAST_PERSONS,
    seed: 22,
    plan: 'ultimate',
    limits: false,
    ...(inProcess ? {} : { sandbox: () => childSandbox('ultimate') }),
  });
  try {
    const concurrency = 64;
    const sandboxPid = 'pid' in h.sb ? h.sb.pid : undefined;
    // Baseline: the same creates as a bare loop of SDK calls, at the engine's concurrency, after a warm-up
    // (unmeasured) so that neither side pays for the sandbox's and the SDK's first requests.
    const pd = sdkClients(h.sb.url, { apiKey: h.sb.apiToken });
    let i = 0;
    const bareLoop = (until: number) =>
      Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (i < until) {
            const n = i++;
            await pd.persons.addPerson({
              AddPersonRequest: {
                name: `Baseline ${n}`,
                emails: [{ value: `b${n}@example.com`, primary: true, label: 'work' }],
              },
            });
          }
        }),
      );
    const warmUp = 500;
    await bareLoop(warmUp);
    const baseCpu = process.cpuUsage();
    const baseSandboxCpu = cpuMsOf(sandboxPid);
    const base = await measure(() => bareLoop(warmUp + FAST_PERSONS));
    const baseCpuMs = cpuMs(process.cpuUsage(baseCpu));
    const baseSandboxMs = diff(cpuMsOf(sandboxPid), baseSandboxCpu);
    const run = await h.service.startFull(1, h.migrationId);
    const pipedrive = { ...h.app.services.pipedrive, limiters: new Unlimited(h.app.services.clock) };
    const engine = h.engine({
      pipedrive,
      maxConcurrency: concurrency,
      transport: { send: withoutRateHeaders },
    });
    const engineCpu = process.cpuUsage();
    const engineSandboxCpu = cpuMsOf(sandboxPid);
    const { ms, peakRssMb } = await measure(() => engine.execute(1, run.id));
    const engineCpuMs = cpuMs(process.cpuUsage(engineCpu));
    const engineSandboxMs = diff(cpuMsOf(sandboxPid), engineSandboxCpu);
    const after = await h.service.run(1, run.id);
    printHeader(
      'engine: alone',
      `${FAST_PERSONS} persons with the sandbox's limits off, the sandbox ${inProcess ? 'in this process' : 'in a child process'} (run ${after.status}; ${after.requests} requests, ${concurrency} in flight, peak RSS ${Math.round(peakRssMb)} MB)`,
    );
    printRatio({
      label: 'persons per second, whole run (plan excluded; organizations, notes, read-back included)',
      ours: (FAST_PERSONS / ms) * 1000,
      baseline: (FAST_PERSONS / base.ms) * 1000,
      unit: 'persons/s',
    });
    printFigure('persons per second, target', '≥ 500');
    // What one core of this process spends per person: the engine's own cost, whatever the load.
    printRatio({
      label: 'CPU of this process per person (engine, SDK, database; the bare loop: SDK only)',
      ours: engineCpuMs / FAST_PERSONS,
      baseline: baseCpuMs / FAST_PERSONS,
      unit: 'ms',
      higherIsBetter: false,
    });
    printFigure('persons per second one core of this process sustains', 1000 / (engineCpuMs / FAST_PERSONS));
    if (engineSandboxMs !== null && baseSandboxMs !== null)
      printFigure(
        'CPU of the sandbox process per person (engine run; bare loop)',
        `${(engineSandboxMs / FAST_PERSONS).toFixed(2)} ms; ${(baseSandboxMs / FAST_PERSONS).toFixed(2)} ms`,
      );
  } finally {
    await h.close();
  }
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

/** `ENGINE_BENCH_ONLY=alone|limited` runs one of the two parts. */
export default async function run(): Promise<void> {
  const only = process.env.ENGINE_BENCH_ONLY;
  if (only !== 'limited') await engineAlone();
  if (only !== 'alone') await limitedRun();
}
