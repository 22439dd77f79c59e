// What the upload step shows of each recognised file and of the migration's staged records, and the
// correction of a file's kind.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError } from '../../testing/fake-api.ts';
import { renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail, sourceFile, stagingServer } from '../../testing/staging-fixtures.ts';

async function card(name: string): Promise<HTMLElement> {
  return screen.findByRole('article', { name });
}

/** The card's facts as "term: value" lines. */
function facts(article: HTMLElement): string[] {
  return Array.from(article.querySelectorAll('dl > dt')).map(
    (dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`,
  );
}

const danishUsers = sourceFile({
  id: 1,
  name: 'brugere.csv',
  kindConfidence: 0.86,
  kindEvidence: [
    'headers "Medarbejder id" (actimoId), "E-mail" (email) match a users export',
    'one column holds email addresses',
  ],
  encoding: 'windows-1252',
  delimiter: ';',
  headerRowIndex: 2,
  rowCount: 1203,
  byteSize: 1536,
  warnings: ['Skipped 2 title line(s) above the header row.'],
  issues: [
    { entity: 'person', code: 'invalid_email', severity: 'warning', count: 12 },
    { entity: 'person', code: 'company_not_found', severity: 'error', count: 1 },
  ],
});

const sheet = sourceFile({
  id: 2,
  name: 'export.xlsx',
  sheetName: 'Virksomheder',
  kind: 'companies',
  kindConfidence: 0.55,
  kindEvidence: ['headers "Virksomheds id" (actimoId), "Navn" (name) match a companies export'],
  encoding: 'xlsx',
  delimiter: null,
  rowCount: 15,
  headers: ['Virksomheds id', 'Navn'],
});

const unknown = sourceFile({
  id: 3,
  name: 'people.csv',
  kind: 'unknown',
  kindConfidence: 0,
  kindEvidence: ['no known export has these headers: "Who", "Where"'],
  rowCount: 4,
  headers: ['Who', 'Where'],
});

const failed = sourceFile({
  id: 4,
  name: 'broken.csv',
  status: 'failed',
  kind: 'unknown',
  kindConfidence: 0,
  kindEvidence: [],
  error: {
    code: 'undecodable',
    message: 'broken.csv cannot be read as UTF-8: undecodable bytes ff at line 3, column 7.',
  },
  encoding: null,
  delimiter: null,
  headerRowIndex: null,
  rowCount: 0,
  headers: [],
});

const attachment = sourceFile({
  id: 5,
  name: 'export.zip/files/contract-1.pdf',
  status: 'kept',
  kind: 'attachment',
  kindConfidence: 1,
  kindEvidence: ['not a table: kept as a file for the files export'],
  encoding: null,
  delimiter: null,
  headerRowIndex: null,
  rowCount: 0,
  byteSize: 52_000,
  headers: [],
});

describe('each recognised file', () => {
  it('shows its kind with confidence and evidence, how it was read, what was noticed and its issues', async () => {
    const { api } = stagingServer([danishUsers]);
    renderPanel('/migrations/7/upload', api);
    const users = await card('brugere.csv');
    expect(within(users).getByText('Read').className).toBe('badge badge--success');
    // Nothing to decide about it: it shows as one line until opened.
    const details = users.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(users.querySelector('.file-card__brief')?.textContent).toBe('Users, 1,203 rows, 13 issues');
    await userEvent.click(within(users).getByText('Users, 1,203 rows, 13 issues'));
    expect(details.open).toBe(true);
    expect(facts(users)).toEqual([
      'Kind: Users',
      'Confidence: Sure (86%)',
      'Why: Headers "Medarbejder id" (actimoId), "E-mail" (email) match a users export.One column holds email addresses.',
      'Rows: 1,203',
      'Encoding: Windows-1252 (Excel CSV)',
      'Delimiter: Semicolon (;)',
      'Header row: Row 3 (2 title lines above it skipped)',
      'Columns: 3',
      'Size: 1.5 KB',
    ]);
    expect(
      within(users).getByRole('heading', { name: 'Noticed while reading' }).nextElementSibling?.textContent,
    ).toBe('Skipped 2 title line(s) above the header row.');
    const issues = within(users).getByRole('heading', { name: "Issues in this file's rows" })
      .nextElementSibling!;
    expect(Array.from(issues.children).map((li) => li.textContent)).toEqual([
      'Email address is not valid12 warningsShow them',
      'Company is not in the companies export1 errorShow them',
    ]);
    expect(
      within(users)
        .getByRole('link', { name: 'Show the people with: Email address is not valid' })
        .getAttribute('href'),
    ).toBe('/migrations/7/upload/records/person?issue=invalid_email');
  });

  it('shows the sheet of a workbook, and asks to check a kind the server is unsure of', async () => {
    const { api } = stagingServer([sheet, unknown]);
    renderPanel('/migrations/7/upload', api);
    const workbook = await card('export.xlsx, sheet "Virksomheder"');
    expect(facts(workbook)).toEqual([
      'Kind: Companies',
      'Confidence: Fairly sure (55%)',
      'Why: Headers "Virksomheds id" (actimoId), "Navn" (name) match a companies export.',
      'Rows: 15',
      'Encoding: Excel workbook',
      'Sheet: Virksomheder',
      'Header row: Row 1',
      'Columns: 2',
      'Size: 2 KB',
    ]);
    expect(within(workbook).queryByText('Check the kind')).toBeNull();
    expect(within(workbook).getByText("No issues in this file's rows.")).toBeTruthy();
    const people = await card('people.csv');
    expect(within(people).getByText('Check the kind').className).toBe('badge badge--warning');
    expect(people.querySelector('details')?.open).toBe(true);
    expect(workbook.querySelector('details')?.open).toBe(false);
    expect(facts(people).slice(0, 3)).toEqual([
      'Kind: Not recognised',
      'Confidence: No match',
      'Why: No known export has these headers: "Who", "Where".',
    ]);
  });

  it("shows a failed file with the server's reason and no kind to correct", async () => {
    const { api } = stagingServer([failed]);
    renderPanel('/migrations/7/upload', api);
    const broken = await card('broken.csv');
    expect(within(broken).getByText('Failed').className).toBe('badge badge--danger');
    expect(broken.querySelector('details')?.open).toBe(true);
    expect(broken.querySelector('.file-card__brief')?.textContent).toBe('Could not be read');
    expect(broken.querySelector('.file-card__error')?.textContent).toBe(
      'Why it failed: broken.csv cannot be read as UTF-8: undecodable bytes ff at line 3, column 7.',
    );
    expect(facts(broken)).toEqual(['Kind: Not recognised', 'Size: 2 KB']);
    expect(within(broken).queryByRole('combobox')).toBeNull();
  });

  it('offers a kept file only the kinds a document can have', async () => {
    const { api } = stagingServer([attachment]);
    renderPanel('/migrations/7/upload', api);
    const pdf = await card('export.zip/files/contract-1.pdf');
    expect(pdf.querySelector('.file-card__brief')?.textContent).toBe('Attached file, kept as it is');
    expect(facts(pdf)).toEqual([
      'Kind: Attached file',
      'Confidence: Sure (100%)',
      'Why: Not a table: kept as a file for the files export.',
      'Size: 50.8 KB',
    ]);
    const select = within(pdf).getByRole('combobox', { name: 'Correct the kind' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => [o.value, o.disabled])).toEqual([
      ['attachment', true],
      ['workflows', false],
      ['integrations', false],
      ['unknown', false],
    ]);
  });
});

describe('correcting a kind', () => {
  it('sends the new kind, reads the files and the summary again, and says so', async () => {
    const { api, state } = stagingServer([unknown]);
    api.on('PATCH', '/api/migrations/7/files/3', (req) => {
      state.files = [{ ...unknown, kind: 'companies', kindConfidence: 1, kindOverridden: true }];
      state.detail = migrationDetail({ summary: { counts: { organization: 4 }, issues: [] } });
      return { body: { ...state.files[0], kind: (req.body as { kind: string }).kind } };
    });
    renderPanel('/migrations/7/upload', api);
    const people = await card('people.csv');
    const save = within(people).getByRole('button', { name: 'Save the kind' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    const select = within(people).getByRole('combobox', { name: 'Correct the kind' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual([
      'Users: one row per employee',
      'Companies: one row per company or unit',
      'Memberships: which user belongs to which company',
      'Engagement scores: engagement score per user',
      'Training: courses per user',
      'Message statistics: opens and clicks per user',
      'Surveys: survey responses per user',
      'Activity log: calls and meetings',
      'Files list: files attached to users',
      'Not recognised: not used in the migration',
    ]);
    await userEvent.selectOptions(select, 'companies');
    await userEvent.click(save);
    expect(await screen.findByText('people.csv is now read as Companies.')).toBeTruthy();
    expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ kind: 'companies' }]);
    expect(facts(await card('people.csv')).slice(0, 2)).toEqual([
      'Kind: Companies',
      'Confidence: Set by you',
    ]);
    expect(screen.getByText('4 companies')).toBeTruthy();
    expect(within(await card('people.csv')).queryByText('Check the kind')).toBeNull();
  });

  it("shows the server's reason when it refuses the kind", async () => {
    const { api } = stagingServer([unknown]);
    api.on(
      'PATCH',
      '/api/migrations/7/files/3',
      apiError(
        415,
        'file_not_tabular',
        'people.csv was not read as a table (kept), so it cannot be a users export.',
      ),
    );
    renderPanel('/migrations/7/upload', api);
    const people = await card('people.csv');
    await userEvent.selectOptions(within(people).getByRole('combobox'), 'users');
    await userEvent.click(within(people).getByRole('button', { name: 'Save the kind' }));
    await waitFor(() =>
      expect(within(people).getByRole('combobox').getAttribute('aria-invalid')).toBe('true'),
    );
    expect(people.querySelector('.field__error')?.textContent).toBe(
      'people.csv was not read as a table (kept), so it cannot be a users export.',
    );
  });
});

describe('what was staged', () => {
  it('counts records per entity with their issues, lists every reason, and leads to the records and the map', async () => {
    const { api } = stagingServer(
      [danishUsers],
      migrationDetail({
        status: 'staged',
        summary: {
          counts: { person: 1200, organization: 15, membership: 1300, metrics: 0, activity: 60, file: 1 },
          issues: [
            { entity: 'membership', code: 'user_not_found', severity: 'error', count: 2 },
            { entity: 'organization', code: 'company_without_users', severity: 'info', count: 3 },
            { entity: 'person', code: 'company_not_found', severity: 'error', count: 1 },
            { entity: 'person', code: 'invalid_email', severity: 'warning', count: 12 },
            { entity: 'person', code: 'some_new_code', severity: 'warning', count: 1 },
          ],
        },
      }),
    );
    renderPanel('/migrations/7/upload', api);
    const staged = await screen.findByRole('region', { name: 'What was staged' });
    const entities = staged.querySelector('.entity-list')!;
    expect(Array.from(entities.children).map((li) => li.textContent)).toEqual([
      '1,200 peopleto Persons1 error, 13 warningsView the people',
      '15 companiesto Organizations3 notesView the companies',
      "1,300 company linksto Persons' organizations and notes2 errors",
      '0 sets of metricsto custom fields on Personsno issues',
      '60 activitiesto Activitiesno issuesView the activities',
      '1 fileto notes with attachmentsno issuesView the files',
    ]);
    expect(within(staged).getByRole('link', { name: 'View the people' }).getAttribute('href')).toBe(
      '/migrations/7/upload/records/person',
    );
    const reasons = within(staged).getByRole('heading', { name: 'Issues by reason' }).nextElementSibling!;
    expect(Array.from(reasons.children).map((li) => li.textContent)).toEqual([
      'User is not in the users export2 errorson company links',
      'Company has no users3 noteson companiesShow them',
      'Company is not in the companies export1 erroron peopleShow them',
      'Email address is not valid12 warningson peopleShow them',
      'Other issue (some_new_code)1 warningon peopleShow them',
    ]);
    expect(
      within(staged)
        .getByRole('link', { name: 'Show the companies with: Company has no users' })
        .getAttribute('href'),
    ).toBe('/migrations/7/upload/records/organization?issue=company_without_users');
    const next = screen.getByRole('link', { name: 'Continue to the field map' });
    expect([next.getAttribute('href'), next.className]).toEqual([
      '/migrations/7/map',
      'button button--primary button--medium',
    ]);
  });
});
