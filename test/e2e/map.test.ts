// The field-map step in the built panel, framed by the Pipedrive host harness: upload a generated export
// set, open the map, send one column's values somewhere else, preview a record's exact payload, confirm,
// and create the custom fields in the sandbox. Checked on the screen, on the server's answers, and on the
// sandbox's own fields through the official Pipedrive SDK.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { sdkClients } from '../helpers/sandbox.ts';
import { browserPerFile, screenshotOf } from './helpers/browser.ts';
import { harnessState } from './helpers/harness.ts';
import { dropFiles, exportsDirPerFile, openPanel, panelApi, type Upload, uploadOf } from './helpers/panel.ts';

const pd = sdkClients(inject('sandboxUrl'), { apiKey: inject('sandboxToken') });
const browser = browserPerFile();
const dir = exportsDirPerFile('actimo-e2e-map-');
const open = (panelPath: string, width?: number) => openPanel(browser().page, panelPath, width);

let uploads: Upload[];

beforeAll(async () => {
  const set = await generateExportSet({ dir: dir(), users: 40, language: 'en', seed: 9 });
  uploads = set.files.map((f) => uploadOf(path.basename(f), readFileSync(f)));
});

async function customFieldNames(): Promise<Map<string, string>> {
  const fields = [
    ...((await pd.personFields.getPersonFields({})).data ?? []),
    ...((await pd.organizationFields.getOrganizationFields({})).data ?? []),
  ];
  return new Map(
    fields.filter((f) => f.is_custom_field).map((f) => [f.field_code ?? '', f.field_name ?? '']),
  );
}

describe('the field map', () => {
  let migrationId = 0;

  beforeAll(async () => {
    migrationId = (
      await panelApi<{ id: number }>('/api/migrations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Map step, English export' }),
      })
    ).id;
  });

  it('shows every column of the uploaded exports with where it lands and why', async () => {
    const frame = await open(`/migrations/${migrationId}/upload`);
    await dropFiles(frame, uploads);
    const batch = frame.getByRole('region', { name: `Upload of ${uploads.length} files` });
    await batch.getByRole('status').filter({ hasText: /^Done/ }).waitFor();
    await frame.getByRole('link', { name: 'Continue to the field map' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Check the field map' }).waitFor();
    const table = frame.getByRole('table', { name: 'Columns of users.csv' });
    await table.waitFor();

    const map = await panelApi<{
      version: number;
      blockers: unknown[];
      files: Array<{ name: string; columns: unknown[] }>;
    }>(`/api/migrations/${migrationId}/map`);
    expect(map.blockers).toEqual([]);
    const columns = map.files.reduce((n, f) => n + f.columns.length, 0);
    expect(await frame.locator('.map-status').textContent()).toBe(
      `Version ${map.version} · draft · ${columns} columns in ${map.files.length} files`,
    );
    expect(await frame.locator('.map-file__title').evaluateAll((hs) => hs.length)).toBeGreaterThanOrEqual(
      map.files.length,
    );
    const department = table.locator('tr').filter({ has: frame.getByText('Department', { exact: true }) });
    expect(await department.locator('.map-cell__main').nth(1).textContent()).toBe(
      'Department → Person · our custom field "Department" (text)',
    );
    await screenshotOf(frame.locator('.map-file__block').first(), '30-map-columns');
  });

  it('sends one column’s values to a note instead of a custom field, as the next version', async () => {
    const frame = await open(`/migrations/${migrationId}/map`);
    await frame.getByRole('button', { name: 'Edit column Department' }).first().click();
    const editor = frame.getByRole('region', { name: 'Column “Department” in users.csv' });
    await editor.waitFor();
    await editor.getByRole('combobox', { name: 'Where Person · Department lands' }).selectOption('note');
    await editor.getByRole('button', { name: 'Save destination' }).click();
    await expect
      .poll(async () => (await harnessState(browser().page)).snackbars.at(-1))
      .toBe('Person · Department: destination saved.');
    // The status line (the list of versions, once reloaded, also names version 2).
    await frame.locator('.map-status', { hasText: /^Version 2 · draft/ }).waitFor();
    await screenshotOf(editor, '31-map-column-editor');
    const map = await panelApi<{
      version: number;
      destinations: Array<{ entity: string; field: string; destination: unknown }>;
    }>(`/api/migrations/${migrationId}/map`);
    expect(map.version).toBe(2);
    expect(
      map.destinations.find((d) => d.entity === 'person' && d.field === 'department')?.destination,
    ).toEqual({
      kind: 'note',
    });
  });

  it('previews a person’s exact payload, the same as the server builds it', async () => {
    const frame = await open(`/migrations/${migrationId}/map`);
    const panel = frame.getByRole('region', { name: 'Preview a record' });
    await panel.getByRole('button', { name: 'Show payload' }).click();
    const result = panel.getByRole('region', { name: 'Payload preview' });
    await result.waitFor();
    const preview = await panelApi<{ actimoId: string; payload: { body: unknown; note: string | null } }>(
      `/api/migrations/${migrationId}/map/preview/person`,
    );
    expect(await result.locator('pre').first().textContent()).toBe(
      JSON.stringify(preview.payload.body, null, 2),
    );
    expect(await result.locator('p strong').first().textContent()).toBe(preview.actimoId);
    // The department now travels in the note, not in a custom field.
    expect(preview.payload.note).toContain('Department');
    expect(JSON.stringify(preview.payload.body)).not.toContain('department__c');
    await screenshotOf(panel, '32-map-preview');
  });

  it('confirms the map and creates its custom fields in the sandbox, then leads on to the plan', async () => {
    const before = await customFieldNames();
    const frame = await open(`/migrations/${migrationId}/map`);
    await frame.getByRole('button', { name: 'Confirm the map' }).click();
    await frame.getByRole('list', { name: 'Custom fields the map needs' }).waitFor();
    await screenshotOf(frame.locator('.map-confirm'), '33-map-confirmed');
    await frame.getByRole('button', { name: 'Create the custom fields' }).click();
    const report = frame.getByRole('region', { name: 'Provisioning report' });
    await report.waitFor({ timeout: 60_000 });
    await frame.getByRole('link', { name: 'Continue to plan' }).waitFor();
    await screenshotOf(frame.locator('.map-confirm'), '34-map-provisioned');

    const created = await report
      .getByRole('list', { name: 'Created' })
      .locator('li')
      .evaluateAll((lis) =>
        lis.map((li) => ({ code: li.querySelector('code')?.textContent ?? '', text: li.textContent ?? '' })),
      );
    expect(created.length).toBeGreaterThan(0);
    const after = await customFieldNames();
    for (const { code, text } of created) {
      expect(before.has(code)).toBe(false);
      expect(text.startsWith(`${after.get(code)} (`)).toBe(true);
    }
    const names = [...after.values()];
    expect(names).toContain('Actimo ID');
    expect(names).not.toContain('Department');
    const versions = await panelApi<{
      versions: Array<{ version: number; status: string; provisionedAt: string | null }>;
    }>(`/api/migrations/${migrationId}/map/versions`);
    expect(versions.versions[0]).toMatchObject({ version: 2, status: 'confirmed' });
    expect(versions.versions[0]?.provisionedAt).not.toBeNull();

    await frame.getByRole('link', { name: 'Continue to plan' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Review the plan' }).waitFor();
  });

  it('fits the map in a 360 px wide panel', async () => {
    const frame = await open(`/migrations/${migrationId}/map`, 360);
    const table = frame.getByRole('table', { name: 'Columns of users.csv' });
    await table.waitFor();
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    // The columns table scrolls sideways inside itself instead.
    expect(
      await table.locator('xpath=ancestor::div[1]').evaluate((el) => el.scrollWidth > el.clientWidth),
    ).toBe(true);
    await screenshotOf(frame.locator('.map-file__block').first(), '35-map-narrow');
  });
});
