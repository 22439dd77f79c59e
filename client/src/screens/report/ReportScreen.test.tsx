import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Artifact } from '../../api/artifacts.ts';
import type { Run } from '../../api/engine.ts';
import { run } from '../../testing/engine-fixtures.ts';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';

const COUNTS = {
  organization: { done: 14 },
  person: { done: 1190, skipped: 5, failed: 3, unknown: 2 },
  note: { done: 1195, skipped: 5 },
};

const FINISHED = run({
  status: 'completed',
  requests: 2404,
  tokens: 24040,
  writes: 2399,
  startedAt: Date.UTC(2026, 10, 25, 9, 0),
  finishedAt: Date.UTC(2026, 10, 25, 9, 42),
});

function artifact(over: Partial<Artifact> = {}): Artifact {
  return {
    name: 'workflows.md',
    title: 'Workflow and learning-path reference: rebuild guide',
    format: 'markdown',
    url: '/api/migrations/7/artifacts/workflows.md',
    available: true,
    sources: ['workflows.json'],
    summary: '4 flow(s), 15 step(s), 9 without a Pipedrive equivalent',
    unavailable: null,
    ...over,
  };
}

const ARTIFACTS = [
  artifact(),
  artifact({
    name: 'integrations.json',
    title: 'Integrations and their Pipedrive replacements',
    format: 'json',
    url: '/api/migrations/7/artifacts/integrations.json',
    available: false,
    sources: [],
    summary: null,
    unavailable: { code: 'artifact_not_available', message: 'No integrations export was uploaded.' },
  }),
];

function server(runs: Run[], artifacts: Reply = { body: { migrationId: 7, artifacts: ARTIFACTS } }) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', '/api/migrations/7/run', { body: { run: runs[0] ?? null, counts: COUNTS } })
    .on('GET', '/api/migrations/7/runs', { body: { runs } })
    .on('GET', '/api/migrations/7/run/events', { status: 204 })
    .on('GET', '/api/migrations/7/artifacts', artifacts)
    .on('GET', '/api/migrations/7/report/skipped', {
      body: {
        files: [{ fileId: 3, fileName: 'brugere.csv', rows: 5, url: '/api/migrations/7/report/skipped/3' }],
      },
    });
}

async function open(api: FakeApi) {
  renderPanel('/migrations/7/report', api);
  await screen.findByRole('heading', { level: 1, name: 'Read the report' });
}

let clicked: Array<{ download: string; href: string }> = [];
beforeEach(() => {
  clicked = [];
  URL.createObjectURL = vi.fn(() => 'blob:report-1');
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ download: this.download, href: this.getAttribute('href') ?? '' });
  });
});
afterEach(() => vi.restoreAllMocks());

describe('the report', () => {
  it('shows a loading state until the run arrives', async () => {
    const answer = deferred<Reply>();
    await open(server([FINISHED]).on('GET', '/api/migrations/7/runs', () => answer.promise));
    expect(await screen.findByText('Loading the report…')).toBeDefined();
    answer.resolve({ body: { runs: [FINISHED] } });
    expect(await screen.findByRole('table', { name: 'Records per kind' })).toBeDefined();
  });

  it('says the report could not be loaded and tries again', async () => {
    let fail = true;
    const api = server([FINISHED]).on('GET', '/api/migrations/7/runs', () =>
      fail ? apiError(500, 'internal', 'The database is not reachable.') : { body: { runs: [FINISHED] } },
    );
    await open(api);
    const error = await screen.findByRole('alert', { name: 'The report could not be loaded' });
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Records per kind' })).toBeDefined();
  });

  it('says there is no report before the full run, and leads to it', async () => {
    await open(server([run({ id: 3, kind: 'sample', status: 'completed' })]));
    const empty = await screen.findByRole('region', { name: 'No report yet' });
    expect(within(empty).getByRole('link', { name: 'Go to the run' }).getAttribute('href')).toBe(
      '/migrations/7/run',
    );
  });

  it('shows what moved, was skipped, failed or is not finished per kind, as numbers and a chart', async () => {
    await open(server([FINISHED]));
    const table = await screen.findByRole('table', { name: 'Records per kind' });
    const row = (name: string) =>
      within(within(table).getByRole('rowheader', { name }).closest('tr') as HTMLElement)
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(row('People')).toEqual(['1,190', '5', '3', '2']);
    expect(row('Organizations')).toEqual(['14', '0', '0', '0']);
    expect(row('Notes')).toEqual(['1,195', '5', '0', '0']);
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Organizations: 14 moved, 0 skipped, 0 failed, 0 not finished; People: 1,190 moved, 5 skipped, 3 failed, 2 not finished; Notes: 1,195 moved, 5 skipped, 0 failed, 0 not finished',
    );
    const spent = screen.getByLabelText('What the run spent').textContent ?? '';
    expect(spent.startsWith('Requests2,404Tokens24,040Writes2,399Started')).toBe(true);
    expect(spent.endsWith('(42 min)')).toBe(true);
  });

  it('lists the documents, says why one is not available, and downloads one with its name', async () => {
    const api = server([FINISHED]).on('GET', '/api/migrations/7/artifacts/workflows.md', {
      text: '# Rebuild guide\n',
      contentType: 'text/markdown; charset=utf-8',
      headers: { 'content-disposition': 'attachment; filename="workflows-migration-7.md"' },
    });
    await open(api);
    expect(await screen.findByText('4 flow(s), 15 step(s), 9 without a Pipedrive equivalent')).toBeDefined();
    expect(screen.getByText('No integrations export was uploaded.')).toBeDefined();
    expect(
      (screen.getByRole('button', { name: 'Download integrations.json' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Download workflows.md' }));
    await waitFor(() =>
      expect(clicked).toEqual([{ download: 'workflows-migration-7.md', href: 'blob:report-1' }]),
    );
    expect(await screen.findByText('workflows-migration-7.md downloaded.')).toBeDefined();
  });

  it('says why a download failed', async () => {
    const api = server([FINISHED]).on(
      'GET',
      '/api/migrations/7/artifacts/workflows.md',
      apiError(400, 'malformed_step', 'workflows.json, at $.workflows[0].steps[0]: a step needs a type'),
    );
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Download workflows.md' }));
    const error = await screen.findByRole('alert', { name: 'workflows.md could not be downloaded' });
    expect(
      within(error).getByText('workflows.json, at $.workflows[0].steps[0]: a step needs a type'),
    ).toBeDefined();
    expect(clicked).toEqual([]);
  });

  it('downloads the reconciliation report as an HTML page and as JSON', async () => {
    const api = server([FINISHED])
      .on('GET', '/api/migrations/7/report.html', {
        text: '<!doctype html><title>Report</title>',
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-disposition': 'attachment; filename="reconciliation-migration-7.html"' },
      })
      .on('GET', '/api/migrations/7/report', { body: { migrationId: 7, objects: [] } });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Download report.html' }));
    await waitFor(() => expect(clicked.map((c) => c.download)).toEqual(['reconciliation-migration-7.html']));
    await userEvent.click(screen.getByRole('button', { name: 'Download report.json' }));
    await waitFor(() =>
      expect(clicked.map((c) => c.download)).toEqual([
        'reconciliation-migration-7.html',
        'reconciliation-migration-7.json',
      ]),
    );
  });

  it('lists a skip file per export with skipped rows and downloads it', async () => {
    const api = server([FINISHED]).on('GET', '/api/migrations/7/report/skipped/3', {
      text: 'Id;Navn;Skip reason;Skip detail\r\n',
      contentType: 'text/csv; charset=utf-8',
      headers: { 'content-disposition': 'attachment; filename="skipped-brugere.csv"' },
    });
    await open(api);
    expect(await screen.findByText('Skipped rows of brugere.csv (CSV)')).toBeDefined();
    expect(screen.getByText('5 rows, with the reason for each; fix and upload again')).toBeDefined();
    await userEvent.click(screen.getByRole('button', { name: 'Download brugere.csv' }));
    await waitFor(() => expect(clicked.map((c) => c.download)).toEqual(['skipped-brugere.csv']));
  });

  it('says when no row was skipped', async () => {
    await open(server([FINISHED]).on('GET', '/api/migrations/7/report/skipped', { body: { files: [] } }));
    expect(await screen.findByText('No row was skipped or failed.')).toBeDefined();
  });

  it('says the documents could not be listed', async () => {
    await open(server([FINISHED], apiError(500, 'internal', 'The database is not reachable.')));
    expect(await screen.findByRole('alert', { name: 'The documents could not be listed' })).toBeDefined();
  });
});
