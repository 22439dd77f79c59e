import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { plan, run } from '../../testing/engine-fixtures.ts';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';

const PLAN = '/api/migrations/7/plan';

function server(answer: Reply | (() => Reply | Promise<Reply>) = { body: plan() }) {
  return new FakeApi().on('GET', '/api/migrations/7', { body: migrationDetail() }).on('POST', PLAN, answer);
}

async function open(api: FakeApi) {
  const router = renderPanel('/migrations/7/plan', api);
  await screen.findByRole('heading', { level: 1, name: 'Review the plan' });
  return router;
}

function cells(table: HTMLElement, rowName: string): string[] {
  const row = within(table).getByRole('rowheader', { name: rowName }).closest('tr');
  if (!row) throw new Error(`no row ${rowName}`);
  return within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent ?? '');
}

describe('the plan', () => {
  it('shows a loading state while the plan is made', async () => {
    const answer = deferred<Reply>();
    await open(server(() => answer.promise));
    expect(
      await screen.findByText('Making the plan: looking at what is already in your Pipedrive…'),
    ).toBeDefined();
    answer.resolve({ body: plan() });
    expect(await screen.findByRole('table', { name: 'Records per kind' })).toBeDefined();
  });

  it('shows what is created, merged and skipped per kind, with the reasons in words and codes', async () => {
    await open(server());
    const table = await screen.findByRole('table', { name: 'Records per kind' });
    expect(cells(table, 'People')).toEqual(['1,180', '15', '5', '0']);
    expect(cells(table, 'Organizations')).toEqual(['12', '2', '0', '0']);
    expect(cells(table, 'Notes')).toEqual(['1,195', '0', '5', '0']);
    const reasons = within(screen.getByRole('list', { name: 'Reasons' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(reasons).toEqual([
      'Organizations: 2 already in Pipedrive with the same name matched_name',
      'People: 15 already in Pipedrive with the same email matched_email',
      'People: 5 no name to give the record missing_name',
      'Notes: 5 nothing to put in a note nothing_to_note',
    ]);
    expect(
      screen.getByText(/1,100 matched to a Pipedrive user by email, 95 given the default owner/),
    ).toBeDefined();
  });

  it('lists activities and files only when the export has them', async () => {
    const p = plan();
    await open(
      server({
        body: {
          ...p,
          entities: { ...p.entities, activity: { create: 40, merge: 0, skip: 2, done: 0, reasons: {} } },
        },
      }),
    );
    const table = await screen.findByRole('table', { name: 'Records per kind' });
    expect(cells(table, 'Activities')).toEqual(['40', '0', '2', '0']);
    expect(within(table).queryByRole('rowheader', { name: 'Files' })).toBeNull();
  });

  it('shows the requests and tokens against the daily budget, the time and the days', async () => {
    await open(server());
    const facts = await screen.findByLabelText('Cost');
    expect(facts.textContent).toBe(
      'Requests2,404Tokens24,040 of 30,000 a day (80%)Timeabout 1 min at 80 requests per 2 secondsDaysfits in one day of budget',
    );
    const lines = screen.getByRole('table', { name: 'Requests per operation' });
    expect(cells(lines, 'POST /v2/persons')).toEqual(['1,180', '11,800']);
  });

  it('says how many days of budget a large run needs', async () => {
    const p = plan();
    await open(server({ body: { ...p, estimate: { ...p.estimate, days: 2.4 } } }));
    expect(await screen.findByText('3 days of budget: the run pauses and goes on by itself')).toBeDefined();
  });

  it('says when there is nothing to migrate and sends the admin to the upload', async () => {
    const none = { create: 0, merge: 0, skip: 0, done: 0, reasons: {} };
    await open(server({ body: plan({ entities: { organization: none, person: none, note: none } }) }));
    const empty = await screen.findByRole('region', { name: 'Nothing to migrate' });
    expect(within(empty).getByRole('link', { name: 'Go to the upload' }).getAttribute('href')).toBe(
      '/migrations/7/upload',
    );
  });

  it('says the plan could not be made, with the reason, and tries again on request', async () => {
    let fail = true;
    const api = server(() =>
      fail ? apiError(503, 'pipedrive_unavailable', 'Pipedrive did not answer.') : { body: plan() },
    );
    await open(api);
    const error = await screen.findByRole('alert', { name: 'The plan could not be made' });
    expect(within(error).getByText('Pipedrive did not answer.')).toBeDefined();
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Records per kind' })).toBeDefined();
    expect(api.requests().filter((r) => r === `POST ${PLAN}`)).toHaveLength(2);
  });

  it('sends the admin to the run when one is in progress', async () => {
    await open(
      server(apiError(409, 'run_in_progress', 'Run 4 is in progress; pause it before planning again.')),
    );
    const state = await screen.findByRole('region', { name: 'A run is in progress' });
    expect(within(state).getByText('Run 4 is in progress; pause it before planning again.')).toBeDefined();
    expect(within(state).getByRole('link', { name: 'Follow the run' }).getAttribute('href')).toBe(
      '/migrations/7/run',
    );
  });

  it('starts a sample of the chosen size and goes to the sample step', async () => {
    const api = server().on('POST', '/api/migrations/7/sample', (req) => ({
      status: 202,
      body: run({ id: 3, kind: 'sample', status: 'queued', sampleSize: (req.body as { size: number }).size }),
    }));
    const router = await open(api);
    const size = await screen.findByLabelText('People in the sample');
    await userEvent.clear(size);
    await userEvent.type(size, '50');
    await userEvent.click(screen.getByRole('button', { name: 'Run a sample' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/migrations/7/sample'));
    const sent = api.calls.find((c) => c.method === 'POST' && c.path === '/api/migrations/7/sample');
    expect(sent?.body).toEqual({ size: 50 });
  });

  it('refuses a sample size that is not a whole number from 1 to 100,000', async () => {
    await open(server());
    const size = await screen.findByLabelText('People in the sample');
    await userEvent.clear(size);
    await userEvent.type(size, '0');
    expect(screen.getByText('A whole number from 1 to 100,000.')).toBeDefined();
    expect((screen.getByRole('button', { name: 'Run a sample' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says why a sample could not start', async () => {
    const api = server().on(
      'POST',
      '/api/migrations/7/sample',
      apiError(409, 'map_not_confirmed', 'Confirm the field map before running a sample.'),
    );
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Run a sample' }));
    const error = await screen.findByRole('alert', { name: 'The sample could not start' });
    expect(within(error).getByText('Confirm the field map before running a sample.')).toBeDefined();
  });
});
