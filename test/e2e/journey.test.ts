// The whole journey in the built panel, framed by the Pipedrive host harness, on a generated English
// export set: upload several files → change one column's destination and confirm the map → plan → sample
// (its field-level diff, filtered to mismatches) → accept → full run to done → report (numbers, and the
// HTML, JSON and skip CSV downloads) → rollback (dry-run preview, confirm, done). Checked on the screen,
// on the server's answers and on the sandbox's own state through its inspection API. The rollback removes
// the custom fields the journey created: the sandbox company is shared by every e2e file.
// Screenshots of each step go to test-results/e2e/ (git-ignored); docs/user-guide.md refers to them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkInvariant, type ReconciliationReport } from '../../server/report/model.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { browserPerFile, screenshot, screenshotOf } from './helpers/browser.ts';
import { harnessState } from './helpers/harness.ts';
import { dropFiles, exportsDirPerFile, openPanel, panelApi, type Upload, uploadOf } from './helpers/panel.ts';

const sandboxUrl = inject('sandboxUrl');
const browser = browserPerFile();
const exportsDir = exportsDirPerFile('actimo-e2e-journey-');
const open = (panelPath: string) => openPanel(browser().page, panelPath);

const USERS = 30;
const SAMPLE = 5;

interface SandboxField {
  code: string;
  name: string;
  is_custom: boolean;
}

interface SandboxRecord {
  id: number;
  name: string;
  deleted_at: number | null;
  job_title?: string;
  custom_fields: Record<string, unknown>;
}

interface SandboxState {
  persons: { records: SandboxRecord[] };
  organizations: { records: SandboxRecord[] };
  notes: {
    records: Array<{ id: number; content: string; person_id: number | null; deleted_at: number | null }>;
  };
  fields: { person: SandboxField[]; organization: SandboxField[] };
}

interface DiffPage {
  total: number;
  records: Array<{ entity: string; actimoId: string; label: string | null }>;
}

interface RunStatus {
  run: { id: number; status: string; requests: number; writes: number } | null;
  counts: Record<string, Record<string, number>>;
}

let uploads: Upload[];

beforeAll(async () => {
  const set = await generateExportSet({ dir: exportsDir(), users: USERS, language: 'en', seed: 11 });
  uploads = set.files.map((f) => uploadOf(path.basename(f), readFileSync(f)));
});

/** The panel server's API: a GET, or a POST of `body` as JSON. */
function api<T>(apiPath: string, body?: unknown): Promise<T> {
  return panelApi<T>(
    apiPath,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
}

/** The sandbox company's whole state, read through the sandbox's inspection API (not Pipedrive's). */
async function sandboxState(): Promise<SandboxState> {
  const companies = (await (await fetch(`${sandboxUrl}/__sandbox/companies`)).json()) as Array<{
    id: number;
  }>;
  if (companies.length !== 1) throw new Error(`the e2e sandbox has ${companies.length} companies`);
  const res = await fetch(`${sandboxUrl}/__sandbox/companies/${companies[0]?.id}/state`);
  return (await res.json()) as SandboxState;
}

function customFields(st: SandboxState): SandboxField[] {
  return [...st.fields.person, ...st.fields.organization].filter((f) => f.is_custom);
}

const alive = <T extends { deleted_at: number | null }>(records: T[]) =>
  records.filter((r) => r.deleted_at === null);

/** Text of a table's body as rows of cells (row header first). */
function tableRows(frame: Frame, name: string): Promise<string[][]> {
  return frame
    .getByRole('table', { name, exact: true })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));
}

/** Clicks a report's download button and reads the file the browser saved. */
async function download(frame: Frame, name: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    browser().page.waitForEvent('download'),
    frame.getByRole('button', { name: `Download ${name}`, exact: true }).click(),
  ]);
  const saved = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(saved, 'utf8') };
}

/** Answers the confirmation the panel asks Pipedrive to show (SHOW_CONFIRMATION), by its OK button. */
async function confirmInPipedrive(title: string, ok: string, shot: string): Promise<string> {
  const dialog = browser().page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  const description = (await dialog.locator('p').textContent()) ?? '';
  await screenshot(browser().page, shot);
  await dialog.getByRole('button', { name: ok, exact: true }).click();
  return description;
}

describe('the whole journey, from the exports to a rollback', () => {
  let migrationId = 0;
  let before: SandboxState;
  /** The custom fields the journey's map uses, once provisioned (created now, or by an earlier e2e file). */
  let provisioned: string[] = [];
  /** The person whose fields the sample showed: checked again in the sandbox after the full run. */
  let sampled = { actimoId: '', name: '', jobTitle: '', department: '' };

  beforeAll(async () => {
    before = await sandboxState();
  });

  // When a step failed before the rollback did its work, undo the migration through the API: the other
  // e2e files share the sandbox company and must not find our people or custom fields there.
  let rolledBack = false;
  afterAll(async () => {
    if (rolledBack || migrationId === 0) return;
    // The latest full run, or (from the rollback's own route) the latest rollback run, has finished.
    const settled = async (route: 'run' | 'rollback') => {
      for (let i = 0; i < 120; i++) {
        const { run } = await api<RunStatus>(`/api/migrations/${migrationId}/${route}`);
        if (!run || !['queued', 'running', 'paused'].includes(run.status)) return;
        if (i === 0 && route === 'run')
          await api(`/api/migrations/${migrationId}/run/cancel`, {}).catch(() => {});
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await settled('run');
    const options = { force: true, removeFields: true };
    const { token } = await api<{ token: string }>(
      `/api/migrations/${migrationId}/rollback/dry-run`,
      options,
    );
    await api(`/api/migrations/${migrationId}/rollback`, { ...options, token });
    await settled('rollback');
  });

  it('creates a migration and uploads several export files', async () => {
    const frame = await open('/migrations');
    await frame.getByRole('textbox', { name: 'Name' }).fill('Journey: Northwind, November export');
    await frame.getByRole('button', { name: 'Create migration' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Upload your Actimo exports' }).waitFor();
    migrationId = Number(/\/migrations\/(\d+)\/upload$/.exec(new URL(frame.url()).pathname)?.[1]);
    expect(migrationId).toBeGreaterThan(0);

    await dropFiles(frame, uploads);
    const batch = frame.getByRole('region', { name: `Upload of ${uploads.length} files` });
    await batch.getByRole('status').filter({ hasText: /^Done/ }).waitFor();
    expect(await batch.getByRole('status').textContent()).toBe(`Done: ${uploads.length} read.`);
    expect(await batch.locator('.upload-file').count()).toBe(uploads.length);
    await screenshotOf(batch, '50-journey-upload');
  });

  it('sends the department to a note instead of a custom field and confirms the map', async () => {
    const frame = await open(`/migrations/${migrationId}/upload`);
    await frame.getByRole('link', { name: 'Continue to the field map' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Check the field map' }).waitFor();
    const status = frame.locator('.map-status');
    await expect.poll(() => status.textContent()).toMatch(/^Version 1 · draft · /);

    await frame.getByRole('button', { name: 'Edit column Department' }).first().click();
    const editor = frame.getByRole('region', { name: 'Column “Department” in users.csv' });
    await editor.getByRole('combobox', { name: 'Where Person · Department lands' }).selectOption('note');
    await editor.getByRole('button', { name: 'Save destination' }).click();
    await expect
      .poll(async () => (await harnessState(browser().page)).snackbars.at(-1))
      .toBe('Person · Department: destination saved.');
    await expect.poll(() => status.textContent()).toMatch(/^Version 2 · draft · /);
    await screenshotOf(editor, '51-journey-map-edit');

    await frame.getByRole('button', { name: 'Confirm the map' }).click();
    await frame.getByRole('list', { name: 'Custom fields the map needs' }).waitFor();
    await frame.getByRole('button', { name: 'Create the custom fields' }).click();
    await frame.getByRole('region', { name: 'Provisioning report' }).waitFor({ timeout: 60_000 });
    await screenshotOf(frame.locator('.map-confirm'), '52-journey-map-confirmed');

    const fields = customFields(await sandboxState());
    expect(fields.map((f) => f.name)).toContain('Actimo ID');
    expect(fields.map((f) => f.name)).not.toContain('Department');
    provisioned = fields.map((f) => f.code);
    await frame.getByRole('link', { name: 'Continue to plan' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Review the plan' }).waitFor();
  });

  it('plans what is created, then runs a sample and shows its field-level diff', async () => {
    const frame = await open(`/migrations/${migrationId}/plan`);
    const kinds = frame.getByRole('table', { name: 'Records per kind' });
    await kinds.waitFor({ timeout: 60_000 });
    const rows = await tableRows(frame, 'Records per kind');
    const people = rows.find((r) => r[0] === 'People');
    expect(people?.[1]).toBe(String(USERS));
    await screenshotOf(frame.locator('.card').first(), '53-journey-plan');

    await frame.getByRole('spinbutton', { name: 'People in the sample' }).fill(String(SAMPLE));
    await frame.getByRole('button', { name: 'Run a sample' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Try a sample' }).waitFor();
    const diff = frame.getByRole('heading', {
      name: `Sample of ${SAMPLE} people, compared field by field`,
    });
    await diff.waitFor({ timeout: 60_000 });
    const table = frame.getByRole('table', { name: 'Sampled records' });
    await table.waitFor();
    const all = await api<DiffPage>(`/api/migrations/${migrationId}/sample/diff?page=1&pageSize=100`);
    const count = frame.locator('.table__count');
    expect(await count.textContent()).toBe(`${all.total} records`);
    expect(all.records.filter((r) => r.entity === 'person')).toHaveLength(SAMPLE);
    await screenshotOf(frame.locator('.card').first(), '54-journey-sample');

    // One person's fields: where each value came from, what was sent and what Pipedrive gave back.
    const person = all.records.find((r) => r.entity === 'person');
    if (!person?.label) throw new Error('the sample has no named person');
    await frame.getByRole('searchbox', { name: 'Search by name or Actimo id' }).fill(person.label);
    await expect.poll(() => count.textContent()).toBe('1 record');
    await table.getByRole('row', { name: new RegExp(`^${person.label}`) }).click();
    const fields = frame.getByRole('table', { name: `Fields of ${person.label}` });
    await fields.waitFor();
    const byField = new Map(
      (await tableRows(frame, `Fields of ${person.label}`)).map((r) => [r[0], r.slice(1)]),
    );
    expect(byField.get('actimoId')).toEqual(['—', 'text in "Actimo ID"', person.actimoId, person.actimoId]);
    expect(byField.get('name')?.slice(2)).toEqual([person.label, person.label]);
    // The edited column: the department travels in the note, so no custom field is sent for it.
    expect(byField.get('department')?.[0]).toMatch(/ from users\.csv, row \d+, “Department”$/);
    expect(byField.get('department')?.slice(1)).toEqual([
      'text; spaces trimmed → a line in the "From Actimo" note',
      '—',
      '—',
    ]);
    sampled = {
      actimoId: person.actimoId,
      name: person.label,
      jobTitle: byField.get('jobTitle')?.[2] ?? '',
      department: byField.get('department')?.[0]?.split(' from ')[0] ?? '',
    };
    expect(sampled.department).not.toBe('');
    expect(sampled.jobTitle).not.toBe('');
    await screenshotOf(frame.locator('.record-detail'), '55-journey-sample-record');

    // Only the mismatches: the server counts the same as the screen.
    await frame.getByRole('searchbox', { name: 'Search by name or Actimo id' }).fill('');
    // Every record again, and the record's fields closed: the panel has its height back.
    await expect.poll(() => count.textContent()).toBe(`${all.total} records`);
    await frame.locator('.record-detail').waitFor({ state: 'detached' });
    await frame.getByRole('checkbox', { name: 'Only records with a mismatch' }).check();
    const mismatches = await api<DiffPage>(
      `/api/migrations/${migrationId}/sample/diff?page=1&pageSize=100&mismatches=true`,
    );
    expect(mismatches.total).toBe(0);
    await expect.poll(() => count.textContent()).toBe('0 records');
    expect(await table.getByRole('cell').textContent()).toBe('No sampled record matches.');
    await screenshotOf(frame.locator('.card').first(), '56-journey-sample-mismatches');
  });

  it('accepts the sample and follows the full run live until it is done', async () => {
    const frame = await open(`/migrations/${migrationId}/sample`);
    // Clicked once the comparison has loaded: rows arriving under the button would move it mid-click.
    await frame.getByRole('table', { name: 'Sampled records' }).getByRole('row').nth(1).waitFor();
    await frame.getByRole('button', { name: 'Accept and run everything' }).click();
    expect(
      await confirmInPipedrive(
        'Accept the sample and start the full migration?',
        'Start the migration',
        '57-journey-accept-confirmation',
      ),
    ).toBe(
      'Every planned record is written to your Pipedrive. What the sample wrote is not sent again. You can pause or cancel, and roll back afterwards.',
    );
    await frame.getByRole('heading', { level: 1, name: 'Run the migration' }).waitFor();
    const progress = frame.getByRole('region', { name: /^Full run \d+/ });
    await progress.waitFor();
    await screenshotOf(progress, '58-journey-run-progress');
    await progress.getByText('Completed', { exact: true }).waitFor({ timeout: 120_000 });
    await screenshotOf(progress, '59-journey-run-done');
    const { run, counts } = await api<RunStatus>(`/api/migrations/${migrationId}/run`);
    expect(run?.status).toBe('completed');
    expect(counts.person?.done).toBe(USERS);
    expect(await progress.getByRole('definition').first().textContent()).toBe(String(run?.requests));
    expect(await progress.getByRole('progressbar', { name: 'People' }).getAttribute('aria-valuetext')).toBe(
      `${USERS} of ${USERS} · done`,
    );

    // In the sandbox: every person, and the sampled one with its custom field, job title and note.
    const state = await sandboxState();
    expect(alive(state.persons.records).length - alive(before.persons.records).length).toBe(USERS);
    const actimoId = customFields(state).find((f) => f.name === 'Actimo ID')?.code ?? '';
    const person = alive(state.persons.records).find(
      (p) => String(p.custom_fields[actimoId]) === sampled.actimoId,
    );
    expect(person?.name).toBe(sampled.name);
    expect(person?.job_title).toBe(sampled.jobTitle);
    const notes = alive(state.notes.records).filter((n) => n.person_id === person?.id);
    // The edited column: the department is a line of the person's note, not a custom field.
    expect(notes.map((n) => n.content)).toEqual([
      `<p><b>From Actimo</b></p><ul><li>Department: ${sampled.department}</li></ul><p>Actimo migration ref: note:${sampled.actimoId}</p>`,
    ]);
  });

  it('shows the report’s numbers and downloads the HTML, JSON and skip CSV', async () => {
    const frame = await open(`/migrations/${migrationId}/run`);
    await frame.getByRole('link', { name: 'Read the report' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Read the report' }).waitFor();
    const { run, counts } = await api<RunStatus>(`/api/migrations/${migrationId}/run`);
    await frame.getByRole('table', { name: 'Records per kind' }).waitFor();
    const rows = await tableRows(frame, 'Records per kind');
    expect(rows.find((r) => r[0] === 'People')).toEqual(['People', String(USERS), '0', '0', '0']);
    expect(rows.find((r) => r[0] === 'Organizations')?.[1]).toBe(String(counts.organization?.done));
    const spent = frame.getByRole('definition');
    expect(await spent.first().textContent()).toBe(String(run?.requests));
    await screenshotOf(frame.locator('.card').first(), '60-journey-report');
    await screenshotOf(
      frame.getByRole('region', { name: 'Reconciliation report' }),
      '61-journey-report-downloads',
    );

    const html = await download(frame, 'report.html');
    expect(html.name).toBe(`reconciliation-migration-${migrationId}.html`);
    expect(html.text).toMatch(/^<!doctype html>/i);
    expect(html.text).toContain('Journey: Northwind, November export');
    // Read as a page: its table of objects accounts for every source row.
    const page = await browser().context.newPage();
    try {
      await page.setContent(html.text);
      const objects = await page
        .locator('table')
        .first()
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
      const person = objects.find((r) => r[0] === 'person');
      const n = String(USERS);
      // Source rows, merged duplicates, staged, then created, updated, skipped, failed.
      expect(person?.slice(0, 8)).toEqual(['person', n, '0', n, n, '0', '0', '0']);
      expect(objects.find((r) => r[0] === 'file')?.slice(-2)).toEqual(['file_missing 1', '—']);
    } finally {
      await page.close();
    }

    const json = await download(frame, 'report.json');
    const report = JSON.parse(json.text) as ReconciliationReport;
    expect(report.migrationId).toBe(migrationId);
    // The department goes to the persons' notes: the notes made from it alone are a line of their own,
    // and every line adds up (staged = the sum of its final states).
    expect(checkInvariant(report)).toEqual([]);
    const mapped = report.objects.find((o) => o.entity === 'mapped_note');
    expect(mapped?.staged).toBeGreaterThan(0);
    expect(mapped?.states?.created).toBe(mapped?.staged);
    const persons = report.objects.find((o) => o.entity === 'person');
    expect(persons?.sourceRows).toBe(USERS);
    expect(persons?.states?.created).toBe(USERS);

    // The files export names a document the upload did not carry: that row is skipped, with its reason.
    expect(report.objects.find((o) => o.entity === 'file')?.states?.skipped).toBe(1);
    const skipped = frame
      .locator('.downloads__item')
      .filter({ hasText: 'Skipped rows of skipped-files.csv' });
    expect(await skipped.locator('.field__hint').textContent()).toBe(
      '1 row, with the reason for each; fix and upload again',
    );
    const csv = await download(frame, 'skipped-files.csv');
    expect(csv.name).toBe('skipped-files.csv');
    const [header, row, ...rest] = csv.text.trim().split(/\r?\n/);
    expect(header?.endsWith(',Skip reason,Skip detail')).toBe(true);
    expect(row).toContain('files/contract-0.pdf');
    expect(row).toContain(',file_missing,');
    expect(rest).toEqual([]);
  });

  it('previews the rollback, confirms it, and leaves nothing of the migration in the sandbox', async () => {
    const ours = alive((await sandboxState()).persons.records).length - alive(before.persons.records).length;
    expect(ours).toBe(USERS);
    const frame = await open(`/migrations/${migrationId}/report`);
    await frame
      .getByRole('navigation', { name: 'Migration steps' })
      .getByRole('link', { name: 'Rollback' })
      .click();
    await frame.getByRole('heading', { level: 1, name: 'Roll back' }).waitFor();
    await frame
      .getByRole('checkbox', {
        name: 'Also remove the custom fields the migration created (only those no record holds a value in)',
      })
      .check();
    await frame.getByRole('button', { name: 'Preview the rollback' }).click();
    await frame.getByRole('table', { name: 'What the rollback would do' }).waitFor({ timeout: 60_000 });
    const preview = new Map(
      (await tableRows(frame, 'What the rollback would do')).map((r) => [r[0], r.slice(1)]),
    );
    expect(preview.get('People')).toEqual([String(USERS), '0', '0', '0']);
    expect(preview.get('Organizations')?.[0]).toBe('3');
    await screenshotOf(
      frame.getByRole('region', { name: 'Preview the rollback' }),
      '62-journey-rollback-preview',
    );
    // The confirmation counts records; the custom fields removed after them are not records, and are
    // counted apart (removed: the Deleted column; still holding values: the Kept column).
    const deletes = [...preview]
      .filter(([kind]) => kind !== 'Custom fields')
      .reduce((n, [, r]) => n + Number(r[0]), 0);
    const fields = preview.get('Custom fields') ?? ['0', '0', '0', '0'];
    const plural = (n: number) => `${n} custom field${n === 1 ? '' : 's'}`;
    const [removed, keptFields] = [Number(fields[0]), Number(fields[2])];
    const fieldsText = ` ${plural(removed)} ${removed === 1 ? 'is' : 'are'} removed${keptFields > 0 ? `; ${plural(keptFields)} kept, records still hold values in them` : ''}.`;

    await frame.getByRole('button', { name: 'Roll back', exact: true }).click();
    expect(
      await confirmInPipedrive('Roll back the migration?', 'Roll back', '63-journey-rollback-confirmation'),
    ).toBe(
      `${deletes} records are deleted from Pipedrive and 0 restored to their values before the migration.${fieldsText}`,
    );
    const progress = frame.getByRole('region', { name: /^Rollback run \d+/ });
    await progress.getByText('Completed', { exact: true }).waitFor({ timeout: 120_000 });
    await progress.getByRole('table', { name: 'What the rollback did' }).waitFor();
    const did = new Map((await tableRows(frame, 'What the rollback did')).map((r) => [r[0], r.slice(1)]));
    expect(did.get('People')).toEqual([String(USERS), '0', '0', '0']);
    await screenshotOf(progress, '64-journey-rollback-done');
    rolledBack = true;

    // The sandbox is as before the journey: no person or organization of ours, and no custom field the
    // app created (the app's fields are the company's: those an earlier e2e file made go too).
    const after = await sandboxState();
    expect(alive(after.persons.records).map((p) => p.id)).toEqual(
      alive(before.persons.records).map((p) => p.id),
    );
    expect(alive(after.organizations.records).map((o) => o.id)).toEqual(
      alive(before.organizations.records).map((o) => o.id),
    );
    const left = customFields(after).map((f) => f.code);
    const existed = new Set(customFields(before).map((f) => f.code));
    expect(left.filter((code) => provisioned.includes(code))).toEqual([]);
    expect(left.filter((code) => !existed.has(code))).toEqual([]);
    // The screen counts the fields removed: every custom field there was, less those left.
    const all = new Set([...existed, ...provisioned]);
    expect(did.get('Custom fields')).toEqual([String(all.size - left.length), '0', '0', '0']);
    expect(preview.get('Custom fields')).toEqual(did.get('Custom fields'));
  });
});
