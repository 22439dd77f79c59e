// A migration ready to run against the sandbox: a sandbox company, the app pointed at it, a generated
// export set staged, the field map confirmed and its custom fields provisioned; plus the engine's
// service and an engine to execute runs in-process. Also what the engine tests share: the harness of a
// describe (`harnessFor`), the sandbox's live records, and the writes a run sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CompanyDump } from '../../sandbox/state/company.ts';
import type { Clock } from '../../server/clock.ts';
import type { Engine } from '../../server/db.ts';
import { buildMapping, type Mapping } from '../../server/mapping/index.ts';
import { type EngineDeps, MigrationEngine } from '../../server/migration/engine.ts';
import { MigrationService } from '../../server/migration/service.ts';
import { writeSettings } from '../../server/tenants/settings.repository.ts';
import { type CompanySettings, DEFAULT_SETTINGS } from '../../server/tenants/settings.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { startTestApp, type TestApp } from './app.ts';
import { startTestSandbox, T0, type TestSandbox } from './sandbox.ts';
import { ROOT } from './spawn.ts';

/** A sandbox the harness did not start in this process (a child process, for benchmarks). */
export interface ExternalSandbox {
  url: string;
  apiToken: string;
  companyId: number;
  /** Its process, when it runs in another one. */
  pid?: number;
  /** PATCH /__sandbox/settings. */
  updateSettings(settings: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface MigrationHarness<S extends TestSandbox | ExternalSandbox = TestSandbox> {
  app: TestApp;
  sb: S;
  migrationId: number;
  dataDir: string;
  mapping: Mapping;
  service: MigrationService;
  engine(o?: Partial<EngineDeps>): MigrationEngine;
  close(): Promise<void>;
}

export interface HarnessOptions<S extends TestSandbox | ExternalSandbox = TestSandbox> {
  /** Starts the sandbox elsewhere (default: in this process, with the company on `plan`). */
  sandbox?: () => Promise<S>;
  users: number;
  seed?: number;
  plan?: 'lite' | 'growth' | 'premium' | 'ultimate';
  settings?: Partial<CompanySettings>;
  limits?: boolean;
  clock?: Clock;
  /** Extra environment for the app (e.g. PUBLIC_URL, with `port`, so sandbox webhooks reach it). */
  env?: Record<string, string>;
  port?: number;
  /** Documents uploaded with the export set (the files export's attachments), by file name. */
  attachments?: Record<string, Buffer>;
}

export async function migrationHarness<S extends TestSandbox | ExternalSandbox = TestSandbox>(
  engine: Engine,
  o: HarnessOptions<S>,
): Promise<MigrationHarness<S>> {
  const plan = o.plan ?? 'premium';
  const sb = o.sandbox
    ? await o.sandbox()
    : ((await startTestSandbox({
        clock: { start: T0 },
        company: { name: 'Acme HR', plan, seats: 5 },
      })) as S);
  if (o.limits === false) {
    const off = { limits: { burst: false, search: false, budget: false } };
    if ('sandbox' in sb) sb.sandbox.updateSettings(off);
    else await sb.updateSettings(off);
  }
  const data = mkdtempSync(path.join(os.tmpdir(), 'engine-'));
  const app = await startTestApp(engine, {
    env: { DATA_DIR: data, ...o.env },
    ...(o.port ? { port: o.port } : {}),
    services: {
      localPipedrive: { apiUrl: sb.url, apiToken: sb.apiToken, target: 'sandbox' },
      ...(o.clock ? { clock: o.clock } : {}),
    },
  });
  await writeSettings(app.testDb.db, 1, {
    ...DEFAULT_SETTINGS,
    pipedrivePlan: plan,
    seats: 5,
    ...o.settings,
  });
  const migrationId = (await app.http.post('/api/migrations').send({}).expect(201)).body.id as number;
  let req = app.http.post(`/api/migrations/${migrationId}/files`);
  const set = await generateExportSet({
    dir: path.join(data, 'export'),
    users: o.users,
    language: 'en',
    seed: o.seed ?? 9,
  });
  for (const f of set.files) req = req.attach('file', f);
  for (const [name, content] of Object.entries(o.attachments ?? {})) {
    const file = path.join(data, 'export', name);
    writeFileSync(file, content);
    req = req.attach('file', file);
  }
  await req.expect(201);
  const m = (await app.http.get(`/api/migrations/${migrationId}/map`).expect(200)).body;
  await app.http.post(`/api/migrations/${migrationId}/map/confirm`).send({ version: m.version }).expect(200);
  const provisioned = await app.http.post(`/api/migrations/${migrationId}/map/provision`);
  if (provisioned.status !== 200) throw new Error(`provisioning failed: ${JSON.stringify(provisioned.body)}`);
  const db = app.testDb.db;
  const mapping = buildMapping({ db, dataDir: data, pipedrive: app.services.pipedrive });
  const service = new MigrationService({
    db,
    clock: app.services.clock,
    pipedrive: app.services.pipedrive,
    mapping,
  });
  let n = 0;
  return {
    app,
    sb,
    migrationId,
    dataDir: data,
    mapping,
    service,
    engine: (e = {}) =>
      new MigrationEngine({
        db,
        clock: app.services.clock,
        pipedrive: app.services.pipedrive,
        mapping,
        workerId: `test-${++n}`,
        onProgress: (p) => service.events.publish(p),
        ...e,
      }),
    close: async () => {
      await app.close();
      await sb.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/**
 * The harness of a describe's tests: made before them (`beforeAll`, on `engine`), closed after them.
 * Returns it for the tests (a hook registered after this one runs after it is made).
 */
export function harnessFor(engine: Engine, o: HarnessOptions): () => MigrationHarness {
  let h: MigrationHarness | undefined;
  beforeAll(async () => {
    h = await migrationHarness(engine, o);
  }, 180_000);
  afterAll(async () => h?.close());
  return () => {
    if (!h) throw new Error('the migration harness is made in beforeAll');
    return h;
  };
}

type RecordKind = 'persons' | 'organizations' | 'activities' | 'notes' | 'files';

/** The company's records of one kind in the sandbox that are not deleted. */
export function liveRecords<K extends RecordKind>(h: MigrationHarness, kind: K): CompanyDump[K]['records'] {
  const records: ReadonlyArray<{ deleted_at: unknown }> = h.sb.sandbox.state(h.sb.companyId)[kind].records;
  return records.filter((r) => r.deleted_at === null) as CompanyDump[K]['records'];
}

/** How many requests the company's sandbox has received so far: a mark for `writesSince`. */
export function requestMark(h: MigrationHarness): number {
  return h.sb.sandbox.requests.list({ companyId: h.sb.companyId }).length;
}

/** The writes (`METHOD /path`, every method but GET) the company's sandbox received since the mark. */
export function writesSince(h: MigrationHarness, mark: number): string[] {
  return h.sb.sandbox.requests
    .list({ companyId: h.sb.companyId })
    .slice(mark)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);
}

/** Runs a full migration again (it must complete) and gives the writes it sent. */
export async function writesOfAnotherRun(h: MigrationHarness): Promise<string[]> {
  const mark = requestMark(h);
  const run = await h.service.startFull(1, h.migrationId);
  const status = await h.engine().execute(1, run.id);
  if (status !== 'completed') throw new Error(`the migration run ended ${status}`);
  return writesSince(h, mark);
}

/**
 * What a company's Pipedrive holds after a migration, independent of ids, field codes and option ids
 * (which differ between companies): persons by Actimo ID with their values by field name, their
 * organization by name, their owner by e-mail, and their notes.
 */
export function pipedriveSnapshot(sb: TestSandbox): Record<string, unknown> {
  const state = sb.sandbox.state(sb.companyId);
  const fields = new Map(state.fields.person.filter((f) => f.is_custom).map((f) => [f.code, f]));
  const orgFields = new Map(state.fields.organization.filter((f) => f.is_custom).map((f) => [f.code, f]));
  const actimo = [...fields.values()].find((f) => f.name === 'Actimo ID')!.code;
  const orgName = new Map(
    state.organizations.records.filter((o) => o.deleted_at === null).map((o) => [o.id, o.name]),
  );
  const userEmail = new Map(state.users.map((u: { id: number; email: string }) => [u.id, u.email]));
  const custom = (values: Record<string, unknown>, defs: typeof fields) =>
    Object.fromEntries(
      Object.entries(values)
        .map(([code, v]) => {
          const f = defs.get(code);
          const label = (id: unknown) => f?.options?.find((o) => o.id === Number(id))?.label ?? id;
          const value = Array.isArray(v) ? v.map(label).sort() : f?.options ? label(v) : v;
          return [f?.name ?? code, value];
        })
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  const notesOf = new Map<number, string[]>();
  for (const n of state.notes.records.filter((x) => x.deleted_at === null)) {
    if (n.person_id === null) continue;
    notesOf.set(n.person_id, [...(notesOf.get(n.person_id) ?? []), n.content]);
  }
  const persons = state.persons.records
    .filter((p) => p.deleted_at === null)
    .map((p) => {
      const c = p.custom_fields as Record<string, unknown>;
      return {
        actimoId: c[actimo],
        name: p.name,
        emails: p.emails,
        phones: p.phones,
        org: p.org_id === null ? null : orgName.get(p.org_id),
        owner: userEmail.get(p.owner_id),
        custom: custom(c, fields),
        notes: notesOf.get(p.id) ?? [],
      };
    })
    .sort((a, b) => String(a.actimoId).localeCompare(String(b.actimoId)));
  const organizations = state.organizations.records
    .filter((o) => o.deleted_at === null)
    .map((o) => ({ name: o.name, custom: custom(o.custom_fields as Record<string, unknown>, orgFields) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { persons, organizations };
}

/** The environment the CLI runs in against the harness: its database, data folder and sandbox company. */
export function cliEnv(h: MigrationHarness): Record<string, string> {
  return {
    DATABASE_URL: h.app.testDb.url,
    DATA_DIR: h.dataDir,
    PIPEDRIVE_API_URL: h.sb.url,
    PIPEDRIVE_API_TOKEN: h.sb.apiToken,
    LOG_LEVEL: 'silent',
  };
}

/** `actimo-pipedrive <command> <the harness's migration> --yes --json`, as node's arguments. */
export function cliArgs(h: MigrationHarness, command: 'migrate' | 'rollback'): string[] {
  return [path.join(ROOT, 'bin', 'actimo-pipedrive.js'), command, String(h.migrationId), '--yes', '--json'];
}

/** How many ledger rows the harness's database holds (a run's progress, seen from outside). */
export async function ledgerRows(h: MigrationHarness): Promise<number> {
  return Number((await h.app.testDb.db('ledger').count({ n: '*' }).first())?.n ?? 0);
}
