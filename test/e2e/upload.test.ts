// The first steps of the journey in the built panel, framed by the Pipedrive host harness: create a
// migration, drop a generated Danish export set (a users file and a zip of the rest), see what was
// recognised and staged, correct a kind the server could not tell, and look into the staged records.
// The server really stages the files; the test checks the screen and the server's answers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { buildZip } from '../helpers/zip.ts';
import { browserPerFile, screenshot, screenshotOf } from './helpers/browser.ts';
import { harnessState } from './helpers/harness.ts';
import { dropFiles, exportsDirPerFile, openPanel, panelApi, type Upload, uploadOf } from './helpers/panel.ts';

const browser = browserPerFile();
const dir = exportsDirPerFile('actimo-e2e-upload-');
const open = (panelPath: string, width?: number) => openPanel(browser().page, panelPath, width);

let users: Upload;
let zip: Upload;

// A pulse survey export whose headers no known export has: the server cannot tell its kind.
const PULSE =
  'Medarbejder;Spørgsmål;Svar;Dato\r\n100001;Trives du?;4;03-02-2026\r\n100002;Trives du?;5;03-02-2026\r\n';

beforeAll(async () => {
  const set = await generateExportSet({ dir: dir(), users: 60, language: 'da', seed: 7 });
  const named = (file: string) => ({ name: path.basename(file), data: readFileSync(file) });
  const [brugere, ...rest] = set.files.map(named);
  if (brugere?.name !== 'brugere.csv') throw new Error(`the generator's first file is ${brugere?.name}`);
  users = uploadOf(brugere.name, brugere.data);
  // The files export names files/contract-0.pdf: the zip carries it, as Actimo's download does.
  const entries = [...rest, { name: 'files/contract-0.pdf', data: Buffer.from('%PDF-1.4\n% contract 0\n') }];
  zip = uploadOf('actimo-export.zip', buildZip(entries));
  writeFileSync(path.join(dir(), 'pulse.csv'), PULSE);
});

async function facts(frame: Frame, card: string): Promise<string[]> {
  return frame
    .getByRole('article', { name: card, exact: true })
    .locator('dl > dt')
    .evaluateAll((dts) => dts.map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`));
}

describe('creating a migration and uploading the exports', () => {
  let migrationId = 0;

  it('creates a migration from the list and opens its upload step', async () => {
    const frame = await open('/migrations');
    await frame.getByRole('textbox', { name: 'Name' }).fill('Nordlys A/S, November export');
    await screenshot(browser().page, '20-new-migration');
    await frame.getByRole('button', { name: 'Create migration' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Upload your Actimo exports' }).waitFor();
    migrationId = Number(/\/migrations\/(\d+)\/upload$/.exec(new URL(frame.url()).pathname)?.[1]);
    expect(await frame.locator('.screen__eyebrow').textContent()).toBe('Nordlys A/S, November export');
    expect((await harnessState(browser().page)).snackbars).toContain(
      'Migration "Nordlys A/S, November export" created.',
    );
    await frame.getByRole('region', { name: 'No files yet' }).waitFor();
  });

  it('stages a dropped Danish users file and a zip of the other exports, and says what each became', async () => {
    const frame = await open(`/migrations/${migrationId}/upload`);
    await dropFiles(frame, [users, zip]);
    const batch = frame.getByRole('region', { name: 'Upload of 2 files' });
    await batch.getByRole('status').filter({ hasText: /^Done/ }).waitFor({ timeout: 30_000 });
    expect(await batch.getByRole('status').textContent()).toBe('Done: 10 read.');
    expect(await batch.locator('.upload-file').allTextContents()).toEqual([
      'brugere.csvReadUsers, 60 rows.',
      'actimo-export.zipReadvirksomheder.csv: Companies, 3 rows.' +
        'Readmedlemskaber.csv: Memberships, 12 rows.' +
        'Readengagement.csv: Engagement scores, 30 rows.' +
        'Readtraening.csv: Training, 60 rows.' +
        'Readbeskeder.csv: Message statistics, 30 rows.' +
        'Readundersoegelser.csv: Surveys, 12 rows.' +
        'Readaktiviteter.csv: Activity log, 3 rows.' +
        'Readfiler.csv: Files list, 1 row.' +
        'Keptfiles/contract-0.pdf: Kept as an attached file.',
    ]);
    // The files are loaded again once the upload is done.
    await frame.getByRole('article', { name: 'brugere.csv', exact: true }).waitFor();
    expect(await facts(frame, 'brugere.csv')).toEqual([
      'Kind: Users',
      'Confidence: Sure (99%)',
      expect.stringMatching(/^Why: Headers "Medarbejder id" \(actimoId\), "Fornavn" \(firstName\), /),
      'Rows: 60',
      'Encoding: UTF-8',
      'Delimiter: Semicolon (;)',
      'Header row: Row 1',
      'Columns: 9',
      expect.stringMatching(/^Size: \d/),
    ]);
    await screenshotOf(batch, '21-upload-results');
    const usersCard = frame.getByRole('article', { name: 'brugere.csv', exact: true });
    expect(await usersCard.locator('.file-card__brief').textContent()).toBe('Users, 60 rows, 2 issues');
    await usersCard.locator('summary').click();
    await usersCard.getByRole('combobox', { name: 'Correct the kind' }).waitFor();
    await screenshotOf(usersCard, '22-recognised-file');

    const files = await panelApi<{ files: Array<{ name: string; kind: string; rowCount: number }> }>(
      `/api/migrations/${migrationId}/files`,
    );
    expect(files.files.map((f) => [f.name, f.kind, f.rowCount])).toEqual([
      ['brugere.csv', 'users', 60],
      ['actimo-export.zip/virksomheder.csv', 'companies', 3],
      ['actimo-export.zip/medlemskaber.csv', 'memberships', 12],
      ['actimo-export.zip/engagement.csv', 'engagement', 30],
      ['actimo-export.zip/traening.csv', 'training', 60],
      ['actimo-export.zip/beskeder.csv', 'messages', 30],
      ['actimo-export.zip/undersoegelser.csv', 'surveys', 12],
      ['actimo-export.zip/aktiviteter.csv', 'activities', 3],
      ['actimo-export.zip/filer.csv', 'files', 1],
      ['actimo-export.zip/files/contract-0.pdf', 'attachment', 0],
    ]);
  });

  it('shows a file it could not recognise, and reads it again with the kind the admin chooses', async () => {
    const frame = await open(`/migrations/${migrationId}/upload`);
    // Through the file picker this time.
    await frame.locator('input[type="file"]').setInputFiles(path.join(dir(), 'pulse.csv'));
    const batch = frame.getByRole('region', { name: 'Upload of pulse.csv' });
    await batch.getByRole('status').filter({ hasText: /^Done/ }).waitFor({ timeout: 30_000 });
    expect(await batch.locator('.upload-file').textContent()).toBe(
      'pulse.csvCheckNot recognised, 2 rows: check its kind below.',
    );
    const card = frame.getByRole('article', { name: 'pulse.csv', exact: true });
    await card.waitFor();
    expect(await card.locator('.file-card__head .badge').allTextContents()).toEqual([
      'Read',
      'Check the kind',
    ]);
    expect((await facts(frame, 'pulse.csv')).slice(0, 3)).toEqual([
      'Kind: Not recognised',
      'Confidence: No match',
      'Why: No known export has these headers: "Medarbejder", "Spørgsmål", "Svar", "Dato".' +
        'The file name suggests surveys, but the headers do not match it.',
    ]);
    await screenshotOf(card, '23-unknown-file');

    await card.getByRole('combobox', { name: 'Correct the kind' }).selectOption('surveys');
    await card.getByRole('button', { name: 'Save the kind' }).click();
    await expect
      .poll(async () => (await harnessState(browser().page)).snackbars.at(-1))
      .toBe('pulse.csv is now read as Surveys.');
    await expect
      .poll(async () => (await facts(frame, 'pulse.csv')).slice(0, 2))
      .toEqual(['Kind: Surveys', 'Confidence: Set by you']);
    expect(await card.locator('.file-card__head .badge').allTextContents()).toEqual(['Read']);
    // Read as surveys, its dates (03-02-2026) could be either order: the admin decides on the map.
    expect(await card.locator('.issue-list__item').allTextContents()).toEqual([
      'Date could be day-month or month-day2 warningsShow them',
    ]);
    const reasons = frame.getByRole('heading', { name: 'Issues by reason' }).locator('xpath=..');
    await reasons.getByText('Date could be day-month or month-day').first().waitFor();
    await screenshotOf(card, '24-kind-corrected');

    const pulseFile = (
      await panelApi<{ files: Array<{ name: string; kind: string; kindOverridden: boolean }> }>(
        `/api/migrations/${migrationId}/files`,
      )
    ).files.find((f) => f.name === 'pulse.csv');
    expect(pulseFile).toMatchObject({ kind: 'surveys', kindOverridden: true });
  });

  it('sums up what was staged per entity with its issues, and leads into the records and to the map', async () => {
    const frame = await open(`/migrations/${migrationId}/upload`);
    const staged = frame.getByRole('region', { name: 'What was staged' });
    expect(await staged.locator('.entity-list__count').allTextContents()).toEqual([
      '60 people',
      '3 companies',
      '67 company links',
      '60 sets of metrics',
      '3 activities',
      '1 file',
    ]);
    const detail = await panelApi<{
      summary: {
        counts: Record<string, number>;
        issues: Array<{ entity: string; code: string; count: number }>;
      };
    }>(`/api/migrations/${migrationId}`);
    expect(detail.summary.counts).toEqual({
      person: 60,
      organization: 3,
      membership: 67,
      metrics: 60,
      activity: 3,
      file: 1,
    });
    const reasons = frame.getByRole('heading', { name: 'Issues by reason' }).locator('xpath=..');
    expect(await reasons.locator('.issue-list__words').allTextContents()).toEqual(
      detail.summary.issues.map((i) => issueWordsFor(i.code)),
    );
    await screenshotOf(staged, '25-staged-summary');

    await staged.getByRole('link', { name: 'View the people' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Staged people' }).waitFor();
    const table = frame.getByRole('table', { name: 'Staged people' });
    await table.locator('tbody tr[data-index="0"]').waitFor();
    expect(await frame.locator('.table__count').textContent()).toBe('60 people');
    await frame.getByRole('combobox', { name: 'Show' }).selectOption('invalid_email');
    await expect.poll(() => frame.locator('.table__count').textContent()).toBe('1 person');
    await table.locator('tbody tr[data-index="0"]').press('Enter');
    const record = frame.locator('.record-detail');
    await record.waitFor();
    expect(await record.locator('.issue-list__words').allTextContents()).toContain(
      'Email address is not valid',
    );
    await screenshotOf(frame.locator('.step'), '26-staged-records');

    await frame.getByRole('link', { name: 'Back to the upload' }).click();
    await frame.getByRole('link', { name: 'Continue to the field map' }).click();
    await frame.getByRole('heading', { level: 1, name: 'Check the field map' }).waitFor();
    expect(new URL(frame.url()).pathname).toBe(`/migrations/${migrationId}/map`);
  });

  it('fits the upload step in a 360 px wide panel', async () => {
    const frame = await open(`/migrations/${migrationId}/upload`, 360);
    const usersCard = frame.getByRole('article', { name: 'brugere.csv', exact: true });
    await usersCard.locator('summary').click();
    await usersCard.getByRole('combobox', { name: 'Correct the kind' }).waitFor();
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await screenshotOf(usersCard, '27-narrow-file');
  });

  it('lists the migration with its files and staged records', async () => {
    const frame = await open('/migrations');
    const item = frame
      .getByRole('listitem')
      .filter({ has: frame.getByRole('link', { name: 'Nordlys A/S, November export' }) });
    await item.waitFor();
    expect(await item.locator('dd').allTextContents()).toEqual([
      expect.stringMatching(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/),
      '11 files',
      '60 people · 3 companies · 60 sets of metrics · 3 activities · 1 file',
      expect.stringMatching(/^\d+ errors?, \d+ warnings?, \d+ notes?$/),
    ]);
    await screenshot(browser().page, '28-migrations-list');
  });
});

/** The words the panel uses for the codes this export set raises (kept here so a rename shows up). */
function issueWordsFor(code: string): string {
  const words: Record<string, string> = {
    ambiguous_date: 'Date could be day-month or month-day',
    file_missing: 'Attached file is not in the upload',
    company_not_found: 'Company is not in the companies export',
    invalid_email: 'Email address is not valid',
    secondary_companies: 'Belongs to more than one company',
  };
  return words[code] ?? code;
}
