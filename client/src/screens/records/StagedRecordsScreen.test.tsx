import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StagedRecord } from '../../api/migrations.ts';
import { apiError, FakeApi, type FakeRequest, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail, person, sourceFile } from '../../testing/staging-fixtures.ts';
import { mockTableLayout } from '../../testing/table-layout.ts';

beforeEach(() => mockTableLayout());
afterEach(() => vi.restoreAllMocks());

const detail = migrationDetail({
  status: 'staged',
  summary: {
    counts: { person: 1000, organization: 3, membership: 1000, metrics: 0, activity: 2, file: 0 },
    issues: [
      { entity: 'person', code: 'invalid_email', severity: 'warning', count: 12 },
      { entity: 'person', code: 'company_not_found', severity: 'error', count: 1 },
    ],
  },
});

/** 1,000 staged people, answered page by page like the server (offset, limit, issue filters). */
function people(n = 1000): StagedRecord[] {
  return Array.from({ length: n }, (_, i) =>
    i === 1
      ? person(i, {
          values: { ...person(i).values, email: 'user1(at)example.dk', companyIds: ['9000', '99999'] },
          issues: [
            {
              code: 'invalid_email',
              severity: 'warning',
              field: 'email',
              message: '"user1(at)example.dk" is not an email address',
              source: [1, 2, 3],
            },
            {
              code: 'company_not_found',
              severity: 'error',
              field: 'companyIds',
              message: 'company 99999 is not in the companies export',
            },
          ],
        })
      : person(i),
  );
}

function server(records: StagedRecord[] = people()) {
  const page = (req: FakeRequest) => {
    const offset = Number(req.query.get('offset'));
    const limit = Number(req.query.get('limit'));
    const code = req.query.get('code');
    const only = req.query.get('withIssues') === 'true' || code !== null;
    const matching = records.filter(
      (r) => !only || (r.issues.length > 0 && (code === null || r.issues.some((i) => i.code === code))),
    );
    return {
      body: { offset, limit, total: matching.length, records: matching.slice(offset, offset + limit) },
    };
  };
  const api = new FakeApi()
    .on('GET', '/api/migrations/7', { body: detail })
    .on('GET', '/api/migrations/7/staged/person', page)
    .on('GET', '/api/migrations/7/files', { body: { files: [sourceFile({ name: 'brugere.csv' })] } });
  return { api, page };
}

function cells(row: HTMLElement): string[] {
  return within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent ?? '');
}

function bodyRows(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('tbody tr[data-index]'));
}

describe('the staged records', () => {
  it('lists the first page of people with their values and issues, and the other entities to switch to', async () => {
    const { api } = server();
    renderPanel('/migrations/7/upload/records/person', api);
    const table = await screen.findByRole('table', { name: 'Staged people' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Staged people');
    expect(screen.getByText('1,000 people', { selector: '.table__count' })).toBeTruthy();
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Actimo id', 'Name', 'Email', 'Phone', 'Companies', 'Issues']);
    const [first, second] = bodyRows();
    expect(cells(first!)).toEqual(['100000', 'Anne Hansen 0', 'user0@example.dk', '—', '9000', 'None']);
    expect(cells(second!)).toEqual([
      '100001',
      'Anne Hansen 1',
      'user1(at)example.dk',
      '—',
      '9000, 99999',
      'Email address is not valid (+1 more)',
    ]);
    expect(second!.className).toBe('table__row table__row--danger');
    expect(api.requests()).toEqual([
      'GET /api/migrations/7',
      'GET /api/migrations/7/staged/person?offset=0&limit=200',
    ]);
    const nav = screen.getByRole('navigation', { name: 'Staged records' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('aria-current')]),
    ).toEqual([
      ['1,000 people', '/migrations/7/upload/records/person', 'page'],
      ['3 companies', '/migrations/7/upload/records/organization', null],
      ['0 sets of metrics', '/migrations/7/upload/records/metrics', null],
      ['2 activities', '/migrations/7/upload/records/activity', null],
      ['0 files', '/migrations/7/upload/records/file', null],
    ]);
    expect(screen.getByRole('link', { name: 'Back to the upload' }).getAttribute('href')).toBe(
      '/migrations/7/upload',
    );
  });

  it('loads the page the table scrolls to, showing its rows as loading meanwhile', async () => {
    const { api, page } = server();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    api.on('GET', '/api/migrations/7/staged/person', async (req) => {
      if (req.query.get('offset') !== '0') await held;
      return page(req);
    });
    renderPanel('/migrations/7/upload/records/person', api);
    const scroller = (await screen.findByRole('table', { name: 'Staged people' })).parentElement!;
    scroller.scrollTop = 600 * 40;
    fireEvent.scroll(scroller);
    const row600 = () => document.querySelector<HTMLElement>('tr[data-index="600"]');
    await waitFor(() => expect(row600()).not.toBeNull());
    expect(cells(row600()!)).toEqual(['Loading…', '', '', '', '', '']);
    release();
    await waitFor(() => expect(cells(row600()!)[0]).toBe('100600'));
    expect(api.requests().filter((r) => r.includes('staged'))).toEqual([
      'GET /api/migrations/7/staged/person?offset=0&limit=200',
      'GET /api/migrations/7/staged/person?offset=400&limit=200',
      'GET /api/migrations/7/staged/person?offset=600&limit=200',
    ]);
  });

  it('filters by issue reason, kept in the address so the view can be shared', async () => {
    const { api } = server();
    const router = renderPanel('/migrations/7/upload/records/person', api);
    await screen.findByRole('table', { name: 'Staged people' });
    const show = screen.getByRole('combobox', { name: 'Show' }) as HTMLSelectElement;
    expect(Array.from(show.options).map((o) => [o.value, o.textContent])).toEqual([
      ['', 'All people'],
      ['any', 'Only people with an issue'],
      ['invalid_email', 'Email address is not valid (12)'],
      ['company_not_found', 'Company is not in the companies export (1)'],
    ]);
    await userEvent.selectOptions(show, 'company_not_found');
    await waitFor(() => expect(screen.getByText('1 person', { selector: '.table__count' })).toBeTruthy());
    expect(router.state.location.search).toBe('?issue=company_not_found');
    expect(bodyRows().map((r) => cells(r)[0])).toEqual(['100001']);
    await userEvent.selectOptions(show, 'any');
    await waitFor(() => expect(router.state.location.search).toBe('?issue=any'));
    expect(api.requests().filter((r) => r.includes('staged'))).toEqual([
      'GET /api/migrations/7/staged/person?offset=0&limit=200',
      'GET /api/migrations/7/staged/person?offset=0&limit=200&withIssues=true&code=company_not_found',
      'GET /api/migrations/7/staged/person?offset=0&limit=200&withIssues=true',
    ]);
  });

  it('opens on a filter from its address and says when nothing has that issue', async () => {
    const { api } = server(people(3).map((p) => ({ ...p, issues: [] })));
    renderPanel('/migrations/7/upload/records/person?issue=invalid_email', api);
    const table = await screen.findByRole('table', { name: 'Staged people' });
    expect(within(table).getByRole('cell').textContent).toBe('No people with this issue.');
    expect((screen.getByRole('combobox', { name: 'Show' }) as HTMLSelectElement).value).toBe('invalid_email');
  });

  it('shows a chosen record in full: every value with where it came from, and each issue', async () => {
    const { api } = server();
    renderPanel('/migrations/7/upload/records/person', api);
    await screen.findByRole('table', { name: 'Staged people' });
    await userEvent.click(screen.getByText('Anne Hansen 1'));
    const record = await screen.findByRole('region', { name: '100001' });
    expect(document.activeElement).toBe(record);
    await waitFor(() => expect(within(record).queryByText('Loading where the values came from…')).toBeNull());
    expect(Array.from(record.querySelectorAll('.issue-list__item')).map((li) => li.textContent)).toEqual([
      'WarningEmail address is not validEmail: "user1(at)example.dk" is not an email address',
      'ErrorCompany is not in the companies exportCompany ids: company 99999 is not in the companies export',
    ]);
    expect(
      Array.from(record.querySelectorAll('dd')).map(
        (dd) => `${dd.previousSibling?.textContent} = ${dd.textContent}`,
      ),
    ).toEqual([
      'Actimo id = 100001 from brugere.csv, row 2, column 1',
      'First name = Anne from brugere.csv, row 2, column 2',
      'Last name = Hansen 1',
      'Email = user1(at)example.dk from brugere.csv, row 2, column 4',
      'Company ids = 9000, 99999',
    ]);
    await userEvent.click(within(record).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: '100001' })).toBeNull();
  });

  it('says it is loading the records, then why they could not be loaded, and tries again', async () => {
    let calls = 0;
    const first = deferred<Reply>();
    const { api, page } = server();
    api.on('GET', '/api/migrations/7/staged/person', (req) => (++calls === 1 ? first.promise : page(req)));
    renderPanel('/migrations/7/upload/records/person', api);
    expect(await screen.findByText('Loading the people…')).toBeTruthy();
    first.resolve(apiError(500, 'internal_error', 'Something went wrong on our side.'));
    const alert = await screen.findByRole('alert', { name: 'The people could not be loaded' });
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Staged people' })).toBeTruthy();
  });

  it('has no list of company links, which are shown on their people', async () => {
    renderPanel('/migrations/7/upload/records/membership', server().api);
    expect(await screen.findByRole('region', { name: 'This page does not exist' })).toBeTruthy();
  });
});
