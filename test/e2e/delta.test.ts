// Delta sync in the built panel, framed by the Pipedrive host harness: a migration taken live through
// the API (upload, map, full run), then on the delta step a newer users export is dropped, its changes
// are shown field by field, applied after Pipedrive's confirmation, and followed to the end; checked on
// the screen and on the sandbox's persons. Rolled back at the end (custom fields too), so the shared
// sandbox company holds nothing of this file's for the other e2e files.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { sdkClients } from '../helpers/sandbox.ts';
import { browserPerFile, screenshotOf } from './helpers/browser.ts';
import { harnessState } from './helpers/harness.ts';
import { dropFiles, openPanel, type Upload, uploadOf } from './helpers/panel.ts';

const panelUrl = inject('panelUrl');
const pd = sdkClients(inject('sandboxUrl'), { apiKey: inject('sandboxToken') });
const browser = browserPerFile();
const open = (panelPath: string, width?: number) => openPanel(browser().page, panelPath, width);
const USERS = 10;

let dir: string;
let files: string[];
let newerUsers: Upload;
let jobTitles: Map<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'actimo-e2e-delta-'));
  const set = await generateExportSet({ dir, users: USERS, language: 'en', seed: 21 });
  files = set.files;
  // Its people are this file's own: another e2e file's generated people (the same addresses) that a
  // failed test left in the shared sandbox company would otherwise be merged into, not created.
  const usersFile = path.join(dir, 'users.csv');
  const users = readFileSync(usersFile, 'utf8').replaceAll('example.dk', 'delta.example.dk');
  writeFileSync(usersFile, users);
  // The newer export: every user has a new job title.
  const [header = '', ...rows] = users.trimEnd().split(/\r?\n/);
  const columns = header.split(',');
  const id = columns.indexOf('User ID');
  const title = columns.indexOf('Job title');
  if (id < 0 || title < 0) throw new Error(`unexpected users header: ${header}`);
  jobTitles = new Map();
  const newer = rows.map((row) => {
    const cells = row.split(',');
    const t = `Title ${cells[id]}`;
    jobTitles.set(String(cells[id]), t);
    cells[title] = t;
    return cells.join(',');
  });
  const text = `${header}\r\n${newer.join('\r\n')}\r\n`;
  newerUsers = uploadOf('users.csv', Buffer.from(text));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(
  apiPath: string,
  init?: { method?: string; body?: unknown; form?: FormData },
): Promise<T> {
  const res = await fetch(`${panelUrl}${apiPath}`, {
    method: init?.method ?? 'GET',
    ...(init?.form
      ? { body: init.form }
      : init?.body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }
        : {}),
  });
  if (!res.ok) throw new Error(`${apiPath} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

interface RunRow {
  id: number;
  kind: string;
  status: string;
}

async function finished(migrationId: number, runId: number): Promise<RunRow> {
  let run: RunRow | undefined;
  await expect
    .poll(
      async () => {
        const { runs } = await api<{ runs: RunRow[] }>(`/api/migrations/${migrationId}/runs`);
        run = runs.find((r) => r.id === runId);
        return run !== undefined && !['queued', 'running'].includes(run.status);
      },
      { timeout: 120_000, interval: 250 },
    )
    .toBe(true);
  return run as RunRow;
}

/** Our persons in the sandbox by Actimo id, from the audit log's creations. */
async function ourPersons(migrationId: number): Promise<Map<string, number>> {
  const { entries } = await api<{
    entries: Array<{ entity: string; op: string; actimoKey: string | null; pipedriveId: number | null }>;
  }>(`/api/migrations/${migrationId}/audit?entity=person&limit=500`);
  return new Map(
    entries
      .filter((e) => e.op === 'create' && e.pipedriveId !== null)
      .map((e) => [String(e.actimoKey), Number(e.pipedriveId)]),
  );
}

/**
 * A read of the sandbox. The company's rate window is shared with the app, which has just spent it on a
 * run: a 429 is waited out (the sandbox's window is two seconds) and the read tried again.
 */
async function sandboxRead<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const e = err as { errorCode?: number; response?: { status?: number } } | null;
      const limited = e?.errorCode === 429 || e?.response?.status === 429;
      if (!limited || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The sandbox company's persons (not deleted) with their job titles, in one request. */
async function jobTitlesInSandbox(): Promise<Map<number, string | null>> {
  const { data } = await sandboxRead(() => pd.persons.getPersons({ limit: 500 }));
  return new Map((data ?? []).map((p) => [Number(p.id), p.job_title ?? null]));
}

async function customFields(): Promise<string[]> {
  const fields = [
    ...((await sandboxRead(() => pd.personFields.getPersonFields({}))).data ?? []),
    ...((await sandboxRead(() => pd.organizationFields.getOrganizationFields({}))).data ?? []),
  ];
  return fields
    .filter((f) => f.is_custom_field)
    .map((f) => f.field_code ?? '')
    .sort();
}

describe('a newer export after go-live', () => {
  let migrationId = 0;
  let fieldsBefore: string[] = [];

  it('takes a migration live through the API: upload, map, full run', async () => {
    fieldsBefore = await customFields();
    migrationId = (
      await api<{ id: number }>('/api/migrations', {
        method: 'POST',
        body: { name: 'Delta, English export' },
      })
    ).id;
    const form = new FormData();
    for (const f of files) form.append('file', new Blob([readFileSync(f)]), path.basename(f));
    await api(`/api/migrations/${migrationId}/files`, { method: 'POST', form });
    const map = await api<{ version: number }>(`/api/migrations/${migrationId}/map`);
    await api(`/api/migrations/${migrationId}/map/confirm`, {
      method: 'POST',
      body: { version: map.version },
    });
    await api(`/api/migrations/${migrationId}/map/provision`, { method: 'POST' });
    const run = await api<{ id: number }>(`/api/migrations/${migrationId}/run`, { method: 'POST' });
    expect((await finished(migrationId, run.id)).status).toBe('completed');
    expect((await ourPersons(migrationId)).size).toBe(USERS);
  }, 180_000);

  it('shows the webhook health of the live migration', async () => {
    const frame = await open(`/migrations/${migrationId}/delta`);
    const facts = frame.getByLabel('Webhook health', { exact: true });
    await facts.waitFor();
    expect(await facts.locator('dt').allTextContents()).toEqual([
      'Live since',
      'Delta window',
      'Last event',
      'Events received',
      'Failed events',
      'Changes made in Pipedrive',
      'Last sweep',
    ]);
    await screenshotOf(frame.locator('.card').first(), '80-delta-webhook-health');
  });

  it('uploads the newer export, shows its changes field by field, applies them and follows the run', async () => {
    const frame = await open(`/migrations/${migrationId}/delta`);
    await dropFiles(frame, [newerUsers]);
    const changes = frame.getByRole('region', { name: 'Changes', exact: true });
    await changes.waitFor({ timeout: 60_000 });
    const table = changes.getByRole('table', { name: 'People that change', exact: true });
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    expect(rows).toHaveLength(USERS);
    for (const [change, record, , , after, what] of rows) {
      expect([change, after, what]).toEqual(['Updated', jobTitles.get(String(record)), 'Updated']);
    }
    await screenshotOf(changes, '81-delta-changes');

    await changes.getByRole('button', { name: 'Apply the changes' }).click();
    const dialog = browser().page.getByRole('dialog', { name: 'Apply the changes to Pipedrive?' });
    await dialog.waitFor();
    expect(await dialog.locator('p').textContent()).toBe(
      `0 records are created and ${USERS} updated in your Pipedrive.`,
    );
    await dialog.getByRole('button', { name: 'Apply the changes' }).click();
    await expect
      .poll(async () => (await harnessState(browser().page)).snackbars.at(-1))
      .toBe('The changes are being applied.');
    const { runs } = await api<{ runs: RunRow[] }>(`/api/migrations/${migrationId}/runs`);
    const delta = runs.find((r) => r.kind === 'delta');
    expect(delta).toBeDefined();
    expect((await finished(migrationId, Number(delta?.id))).status).toBe('completed');
    await frame
      .getByText(new RegExp(`^Last delta run ${delta?.id}: Completed ${USERS} writes\\.$`))
      .waitFor();
    await screenshotOf(
      frame.getByRole('region', { name: 'A newer Actimo export', exact: true }),
      '82-delta-applied',
    );

    const titles = await jobTitlesInSandbox();
    const ours = [...(await ourPersons(migrationId))];
    expect(ours.map(([, pipedriveId]) => titles.get(pipedriveId))).toEqual(
      ours.map(([actimoId]) => jobTitles.get(actimoId)),
    );
  }, 180_000);

  it('leaves nothing of its own in the sandbox: rolled back with its custom fields', async () => {
    const options = { force: true, removeFields: true };
    const plan = await api<{ token: string }>(`/api/migrations/${migrationId}/rollback/dry-run`, {
      method: 'POST',
      body: options,
    });
    const run = await api<{ id: number }>(`/api/migrations/${migrationId}/rollback`, {
      method: 'POST',
      body: { ...options, token: plan.token },
    });
    expect((await finished(migrationId, run.id)).status).toBe('completed');
    const titles = await jobTitlesInSandbox();
    expect([...(await ourPersons(migrationId)).values()].filter((id) => titles.has(id))).toEqual([]);
    // The rollback removes the custom fields this migration created that no record holds a value in and
    // no other migration writes to: the ones this file's map created are gone.
    expect((await customFields()).filter((code) => !fieldsBefore.includes(code))).toEqual([]);
  }, 180_000);
});
