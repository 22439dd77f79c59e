import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MapView } from '../../api/map.ts';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { mapColumn, mapView, personPreview, provisioningPlan, readyMap } from '../../testing/map-fixtures.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';
import { mockTableLayout } from '../../testing/table-layout.ts';

beforeEach(() => mockTableLayout());
afterEach(() => vi.restoreAllMocks());

const MAP = '/api/migrations/7/map';

function server(map: Reply | (() => Reply | Promise<Reply>) = { body: mapView() }) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', MAP, map)
    .on('GET', `${MAP}/versions`, {
      body: {
        versions: [
          {
            version: 3,
            status: 'draft',
            note: 'brugere.csv "Afdeling": department',
            createdBy: 1,
            createdAt: '2026-11-24T10:00:00.000Z',
            confirmedAt: null,
            provisionedAt: null,
          },
        ],
      },
    })
    .on('GET', '/api/mapping-profiles', { body: { profiles: [] } });
}

async function open(api: FakeApi) {
  renderPanel('/migrations/7/map', api);
  await screen.findByRole('heading', { level: 1, name: 'Check the field map' });
}

function row(header: string): HTMLElement {
  const table = screen.getByRole('table', { name: 'Columns of brugere.csv' });
  const cell = within(table).getByText(header, { selector: 'strong' });
  const tr = cell.closest('tr');
  if (!tr) throw new Error(`no row for ${header}`);
  return tr;
}

async function openColumn(header: string) {
  await userEvent.click(screen.getByRole('button', { name: `Edit column ${header}` }));
  return screen.findByRole('region', { name: `Column “${header}” in brugere.csv` });
}

describe('the field map', () => {
  it('shows a loading state until the map arrives', async () => {
    const answer = deferred<Reply>();
    const api = server(() => answer.promise);
    await open(api);
    expect((await screen.findByText('Loading the field map…')).closest('[role="status"]')).not.toBeNull();
    answer.resolve({ body: mapView() });
    expect(await screen.findByRole('table', { name: 'Columns of brugere.csv' })).toBeDefined();
  });

  it('says the map could not be loaded, with the reason, and loads it again on request', async () => {
    let fail = true;
    const api = server(() =>
      fail ? apiError(500, 'internal', 'The database is not reachable.') : { body: mapView() },
    );
    await open(api);
    const error = await screen.findByRole('alert', { name: 'The field map could not be loaded' });
    expect(within(error).getByText('The database is not reachable.')).toBeDefined();
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Columns of brugere.csv' })).toBeDefined();
    expect(api.requests().filter((r) => r === `GET ${MAP}`)).toHaveLength(2);
  });

  it('sends the admin to the upload when no file has columns to map', async () => {
    await open(server({ body: mapView({ files: [], destinations: [], blockers: [], canConfirm: false }) }));
    const empty = await screen.findByRole('region', { name: 'Nothing to map yet' });
    expect(within(empty).getByRole('link', { name: 'Upload exports' }).getAttribute('href')).toBe(
      '/migrations/7/upload',
    );
  });

  it('shows each column with where it lands, its confidence and why, and highlights the guess that blocks', async () => {
    await open(server());
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    expect(screen.getByText('Version 3 · draft · 3 columns in 1 file')).toBeDefined();
    const sure = row('Afdeling');
    expect(within(sure).getByText('High')).toBeDefined();
    expect(within(sure).getByText('92%')).toBeDefined();
    expect(
      within(sure).getByText('Department → Person · our custom field "Department" (text)'),
    ).toBeDefined();
    expect(sure.className).toBe('table__row');
    const guess = row('Stilling?');
    expect(within(guess).getByText('Needs you')).toBeDefined();
    expect(within(guess).getByText('45%')).toBeDefined();
    expect(guess.className).toBe('table__row map-row--blocking map-row--low');
    const blockers = screen.getByRole('region', { name: '1 thing blocks confirmation' });
    expect(within(blockers).getByRole('listitem').textContent).toBe(
      'brugere.csv: "Stilling?" → job title is a guess (45%): accept it or choose another field Open “Stilling?”',
    );
    expect(screen.getByText(/Left out: 0 columns not migrated, 1 destinations without data/)).toBeDefined();
  });

  it('changes a column’s field with the version it was made on, and shows the next version', async () => {
    const api = server().on('PATCH', `${MAP}/source`, {
      body: mapView({ version: 4, note: 'changed' }),
    });
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    const editor = await openColumn('Afdeling');
    expect(within(editor).getByText(/Danish for department/)).toBeDefined();
    await userEvent.selectOptions(within(editor).getByLabelText('Field this column feeds'), 'site');
    await userEvent.click(within(editor).getByRole('button', { name: 'Save field' }));
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    const patch = api.calls.find((c) => c.method === 'PATCH');
    expect(patch?.path).toBe(`${MAP}/source`);
    expect(patch?.body).toEqual({ version: 3, changes: [{ fileId: 11, column: 1, field: 'site' }] });
    expect(await screen.findByText('“Afdeling” now feeds site.')).toBeDefined();
  });

  it('changes where a column’s values land, from the column', async () => {
    const api = server().on('PATCH', `${MAP}/destinations`, { body: mapView({ version: 4 }) });
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    const editor = await openColumn('Afdeling');
    await userEvent.selectOptions(within(editor).getByLabelText('Where Person · Department lands'), 'note');
    await userEvent.click(within(editor).getByRole('button', { name: 'Save destination' }));
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [{ entity: 'person', field: 'department', destination: { kind: 'note' } }],
    });
  });

  it('accepts a flagged guess, after which nothing blocks', async () => {
    const api = server().on('PATCH', `${MAP}/source`, { body: readyMap({ version: 4 }) });
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    await userEvent.click(screen.getByRole('button', { name: 'Open “Stilling?”' }));
    const editor = await screen.findByRole('region', { name: 'Column “Stilling?” in brugere.csv' });
    expect(within(editor).getByRole('list', { name: 'What needs a look' }).textContent).toBe(
      'Blocks "Stilling?" → job title is a guess (45%): accept it or choose another field',
    );
    await userEvent.click(within(editor).getByRole('button', { name: 'Accept as proposed' }));
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [{ fileId: 11, column: 2, accept: true }],
    });
    expect(screen.queryByRole('region', { name: /blocks confirmation/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Confirm the map' }).hasAttribute('disabled')).toBe(false);
  });

  it('sets the day/month order of a date column the data cannot settle', async () => {
    const base = mapView();
    const [users] = base.files;
    if (!users) throw new Error('no file');
    const hired = mapColumn({
      column: 3,
      header: 'Ansat',
      field: 'hireDate',
      transform: 'date, order not set',
      parse: { type: 'date', orders: { '.': 'dmy' }, excelSerial: true },
      flags: [
        {
          code: 'ambiguous_date_order',
          blocking: true,
          message:
            'every "-" date in "Ansat" fits both day/month and month/day (e.g. 03-04-2026): choose the order',
        },
      ],
    });
    const api = server({ body: { ...base, files: [{ ...users, columns: [...users.columns, hired] }] } }).on(
      'PATCH',
      `${MAP}/source`,
      { body: mapView({ version: 4 }) },
    );
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    const editor = await openColumn('Ansat');
    const form = within(editor).getByRole('form', { name: 'Day and month order' });
    expect((within(form).getByLabelText('Dates written with “.”') as HTMLSelectElement).value).toBe('dmy');
    await userEvent.selectOptions(within(form).getByLabelText('Dates written with “-”'), 'dmy');
    await userEvent.click(within(form).getByRole('button', { name: 'Save date order' }));
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [
        {
          fileId: 11,
          column: 3,
          parse: { type: 'date', orders: { '.': 'dmy', '-': 'dmy' }, excelSerial: true },
        },
      ],
    });
  });

  it('says plainly when the map changed meanwhile, and reloads it', async () => {
    let version = 3;
    const api = server(() => ({ body: mapView({ version }) })).on('PATCH', `${MAP}/source`, () => {
      version = 5;
      return apiError(
        409,
        'map_changed',
        'The map is at version 5, not 3: it changed meanwhile. Reload it and edit again.',
      );
    });
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    const editor = await openColumn('Afdeling');
    await userEvent.selectOptions(within(editor).getByLabelText('Field this column feeds'), 'site');
    await userEvent.click(within(editor).getByRole('button', { name: 'Save field' }));
    const banner = await screen.findByRole('alert', { name: '' });
    expect(banner.textContent).toContain('The map changed meanwhile');
    expect(banner.textContent).toContain('It has been reloaded: check it and make your change again.');
    expect(await screen.findByText('Version 5 · draft · 3 columns in 1 file')).toBeDefined();
    expect(api.requests().filter((r) => r === `GET ${MAP}`)).toHaveLength(2);
  });

  it('shows a refused change where it was made, keeping the map', async () => {
    const api = server().on(
      'PATCH',
      `${MAP}/destinations`,
      apiError(
        400,
        'destination_required',
        'Actimo ID must land in Pipedrive: it is how records are found again.',
      ),
    );
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    await userEvent.click(screen.getByRole('button', { name: 'Change where Person Department lands' }));
    await userEvent.selectOptions(screen.getByLabelText('Where Person · Department lands'), 'ignore');
    await userEvent.click(screen.getByRole('button', { name: 'Save destination' }));
    const banner = await screen.findByText('That change was not made');
    expect(banner.closest('[role="alert"]')?.textContent).toContain(
      'Actimo ID must land in Pipedrive: it is how records are found again.',
    );
    expect(screen.getByText('Version 3 · draft · 3 columns in 1 file')).toBeDefined();
  });

  it('previews a record’s exact payload with where each value came from', async () => {
    const api = server().on('GET', `${MAP}/preview/person`, { body: personPreview() });
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    await userEvent.type(screen.getByLabelText('Actimo id'), 'u-2');
    await userEvent.click(screen.getByRole('button', { name: 'Show payload' }));
    const result = await screen.findByRole('region', { name: 'Payload preview' });
    expect(api.requests()).toContain(`GET ${MAP}/preview/person?actimoId=u-2`);
    expect(within(result).getByText(/"name": "Anna Holm"/).textContent).toBe(
      JSON.stringify(personPreview().payload.body, null, 2),
    );
    const trace = within(result).getByRole('list', { name: 'Trace' });
    expect(within(trace).getByText('brugere.csv row 3, “Afdeling”: “ Lager ”')).toBeDefined();
    expect(within(result).getByText('Filled in at run time: org_id, owner_id.')).toBeDefined();
  });

  it('says when the previewed record does not exist', async () => {
    const api = server().on(
      'GET',
      `${MAP}/preview/organization`,
      apiError(404, 'record_not_found', 'No staged organization has Actimo id c-9.'),
    );
    await open(api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    await userEvent.selectOptions(screen.getByLabelText('Record'), 'organization');
    await userEvent.type(screen.getByLabelText('Actimo id'), 'c-9');
    await userEvent.click(screen.getByRole('button', { name: 'Show payload' }));
    const error = await screen.findByRole('alert', { name: 'No such record' });
    expect(within(error).getByText('No staged organization has Actimo id c-9.')).toBeDefined();
  });

  it('keeps confirmation disabled while anything blocks it, saying why', async () => {
    await open(server());
    const confirm = await screen.findByRole('button', { name: 'Confirm the map' });
    expect(confirm.hasAttribute('disabled')).toBe(true);
    const why = document.getElementById(confirm.getAttribute('aria-describedby') ?? '');
    expect(why?.textContent).toBe(
      'Confirming is possible once nothing blocks it:brugere.csv: "Stilling?" → job title is a guess (45%): accept it or choose another field',
    );
  });

  it('confirms the map, creates the custom fields, reports what was done and leads on to the plan', async () => {
    const confirmed: MapView = readyMap({
      version: 4,
      status: 'confirmed',
      confirmedAt: '2026-11-24T11:00:00.000Z',
    });
    let current: MapView = readyMap({ version: 4 });
    const field = (name: string, code: string) => ({
      entity: 'person',
      logicalName: `${name.toLowerCase().replace(' ', '_')}__c`,
      code,
      name,
      type: 'varchar',
      options: null,
      createdByUs: true,
    });
    const api = server(() => ({ body: current }))
      .on('POST', `${MAP}/confirm`, () => {
        current = confirmed;
        return { body: confirmed };
      })
      .on('GET', `${MAP}/provisioning`, { body: provisioningPlan() })
      .on('POST', `${MAP}/provision`, () => {
        current = { ...confirmed, provisionedAt: '2026-11-24T11:01:00.000Z' };
        return {
          body: provisioningPlan({
            applied: true,
            result: {
              created: [field('Department', 'abc123')],
              adopted: [],
              kept: [field('Actimo ID', 'def456')],
              optionsAdded: [],
            },
          }),
        };
      });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Confirm the map' }));
    expect(api.calls.find((c) => c.path === `${MAP}/confirm`)?.body).toEqual({ version: 4 });
    const fields = await screen.findByRole('list', { name: 'Custom fields the map needs' });
    expect(
      within(fields)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Actimo ID (person, varchar) for Actimo ID: already created, kept',
      'Department (person, varchar) for Department: will be created',
    ]);
    expect(screen.queryByRole('link', { name: 'Continue to plan' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Create the custom fields' }));
    const report = await screen.findByRole('region', { name: 'Provisioning report' });
    expect(within(report).getByRole('list', { name: 'Created' }).textContent).toBe(
      'Department (person, varchar) abc123',
    );
    expect(within(report).getByRole('list', { name: 'Kept' }).textContent).toBe(
      'Actimo ID (person, varchar) def456',
    );
    expect(within(report).getByText('Adopted: 0')).toBeDefined();
    expect(screen.getByRole('link', { name: 'Continue to plan' }).getAttribute('href')).toBe(
      '/migrations/7/plan',
    );
    await waitFor(() =>
      expect(
        screen.getByText('Version 4 · confirmed · 3 columns in 1 file · custom fields created'),
      ).toBeDefined(),
    );
  });

  it('says nothing was created when provisioning is blocked, and why', async () => {
    const confirmed = readyMap({ version: 4, status: 'confirmed' });
    const blocked = provisioningPlan({
      plan: {
        ...provisioningPlan().plan,
        blocked: true,
        blockers: ['"Department" clashes with the account’s field "Department" (a date field)'],
      },
    });
    const api = server({ body: confirmed })
      .on('GET', `${MAP}/provisioning`, { body: provisioningPlan() })
      .on(
        'POST',
        `${MAP}/provision`,
        apiError(409, 'provisioning_blocked', 'Nothing was created: clash.', blocked),
      );
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Create the custom fields' }));
    const banner = await screen.findByText('Nothing was created');
    expect(banner.closest('[role="alert"]')?.textContent).toBe(
      'Nothing was created"Department" clashes with the account’s field "Department" (a date field)',
    );
    expect(screen.queryByRole('link', { name: 'Continue to plan' })).toBeNull();
  });

  it('saves the map as a profile and applies a saved profile as the next version', async () => {
    const profile = {
      id: 5,
      name: 'Nov export',
      version: 1,
      files: [],
      createdBy: 1,
      createdAt: '2026-11-24T10:00:00.000Z',
    };
    let profiles: unknown[] = [];
    const api = server()
      .on('GET', '/api/mapping-profiles', () => ({ body: { profiles } }))
      .on('POST', `${MAP}/profiles`, () => {
        profiles = [profile];
        return { status: 201, body: profile };
      })
      .on('POST', `${MAP}/apply-profile`, { body: mapView({ version: 4 }) });
    await open(api);
    await screen.findByText('No saved profiles yet.');
    await userEvent.type(screen.getByLabelText('Save this map as a profile'), 'Nov export');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('Saved as profile “Nov export” (version 1).')).toBeDefined();
    expect(api.calls.find((c) => c.path === `${MAP}/profiles`)?.body).toEqual({ name: 'Nov export' });
    await userEvent.selectOptions(await screen.findByLabelText('Apply a saved profile'), '5');
    await userEvent.click(screen.getByRole('button', { name: 'Apply profile' }));
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    expect(api.calls.find((c) => c.path === `${MAP}/apply-profile`)?.body).toEqual({
      version: 3,
      profileId: 5,
    });
  });

  it('lists the map’s versions with what changed', async () => {
    await open(server());
    await userEvent.click(await screen.findByText('Versions of this map'));
    const list = await screen.findByRole('list', { name: 'Versions' });
    expect(within(list).getByRole('listitem').textContent).toMatch(
      /^Version 3 · draft · .+ · brugere\.csv "Afdeling": department$/,
    );
  });
});
