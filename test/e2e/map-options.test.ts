// The map screen's value mapping and record settings in the built panel, framed by the Pipedrive host
// harness: a column whose field goes to an option field shows each value with its count; the admin maps
// the values no option matches (a new option, an existing one, skip) and changes a record setting. Checked
// on the screen and on the server's map. Nothing is written to the sandbox.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { DEPARTMENT_AS_OPTIONS, destinationOf } from '../helpers/mapping.ts';
import { browserPerFile, screenshotOf } from './helpers/browser.ts';
import { harnessState } from './helpers/harness.ts';
import { exportsDirPerFile, openPanel, panelApi } from './helpers/panel.ts';

const browser = browserPerFile();
const dir = exportsDirPerFile('actimo-e2e-map-options-');

interface MapBody {
  version: number;
  blockers: Array<{ code: string }>;
  destinations: Array<{ entity: string; field: string; destination: Record<string, unknown> }>;
  settings: Record<string, string>;
  files: Array<{
    kind: string;
    columns: Array<{
      header: string;
      optionMapping: { values: Array<{ value: string; option: string | null; status: string }> } | null;
    }>;
  }>;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('option values and record settings on the map screen', () => {
  let migrationId = 0;

  beforeAll(async () => {
    const set = await generateExportSet({ dir: dir(), users: 40, language: 'en', seed: 9 });
    migrationId = (await panelApi<{ id: number }>('/api/migrations', json('POST', { name: 'Option values' })))
      .id;
    const form = new FormData();
    for (const f of set.files) form.append('file', new Blob([readFileSync(f)]), path.basename(f));
    const up = await fetch(`${inject('panelUrl')}/api/migrations/${migrationId}/files`, {
      method: 'POST',
      body: form,
    });
    expect(up.status).toBe(201);
    const map = await panelApi<MapBody>(`/api/migrations/${migrationId}/map`);
    // Department goes to our single option field with two options: three values match none.
    await panelApi(
      `/api/migrations/${migrationId}/map/destinations`,
      json('PATCH', {
        version: map.version,
        changes: [DEPARTMENT_AS_OPTIONS],
      }),
    );
  });

  it('maps the values no option matches to a new option, an existing one and skip', async () => {
    const frame = await openPanel(browser().page, `/migrations/${migrationId}/map`);
    await frame.getByRole('button', { name: 'Edit column Department' }).first().click();
    const values = frame.getByRole('form', { name: /^Values of “Department”/ });
    await values.waitFor();
    expect(await values.locator('.map-value--unmatched').count()).toBe(3);
    await screenshotOf(values, '35-map-option-values');
    await values.getByRole('combobox', { name: 'Option for “Lager”' }).selectOption('new');
    await values.getByRole('textbox', { name: 'New option for “Lager”' }).fill('Warehouse');
    await values.getByRole('combobox', { name: 'Option for “Kundeservice”' }).selectOption('option:HR');
    await values.getByRole('combobox', { name: 'Option for “Drift; Nord”' }).selectOption('skip');
    await values.getByRole('button', { name: 'Save value mapping' }).click();
    await expect
      .poll(async () => (await harnessState(browser().page)).snackbars.at(-1))
      .toBe('The values of “Department” are mapped as you chose.');
    await frame.locator('.map-status', { hasText: /^Version 3 · draft/ }).waitFor();
    expect(await values.locator('.map-value--unmatched').count()).toBe(0);

    const map = await panelApi<MapBody>(`/api/migrations/${migrationId}/map`);
    expect(map.blockers).toEqual([]);
    expect(destinationOf(map, 'person', 'department')?.destination).toEqual({
      kind: 'custom',
      logicalName: 'department__c',
      name: 'Department',
      type: 'enum',
      options: ['Sales', 'HR', 'Warehouse'],
    });
    const dept = map.files.find((f) => f.kind === 'users')?.columns.find((c) => c.header === 'Department');
    expect(
      Object.fromEntries((dept?.optionMapping?.values ?? []).map((v) => [v.value, [v.option, v.status]])),
    ).toEqual({
      Sales: ['Sales', 'option'],
      HR: ['HR', 'option'],
      Lager: ['Warehouse', 'option'],
      Kundeservice: ['HR', 'option'],
      'Drift; Nord': [null, 'empty'],
    });
  });

  it('changes a record setting as the next version', async () => {
    const frame = await openPanel(browser().page, `/migrations/${migrationId}/map`);
    const settings = frame.getByRole('region', { name: 'Record settings' });
    await settings.getByRole('combobox', { name: 'Label of phone numbers' }).selectOption('work');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await harnessState(browser().page)).snackbars.at(-1))
      .toBe('Record settings saved.');
    await frame.locator('.map-status', { hasText: /^Version 4 · draft/ }).waitFor();
    await screenshotOf(settings, '36-map-record-settings');
    const map = await panelApi<MapBody>(`/api/migrations/${migrationId}/map`);
    expect(map.settings).toEqual({
      missingName: 'skip',
      invalidValue: 'drop_value',
      timeZone: 'Europe/Copenhagen',
      emailLabel: 'work',
      phoneLabel: 'work',
    });
  });
});
