import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import {
  accountFieldChoices,
  mapDestination,
  mapView,
  standardDestination,
} from '../../testing/map-fixtures.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';
import { mockTableLayout } from '../../testing/table-layout.ts';

beforeEach(() => mockTableLayout());
afterEach(() => vi.restoreAllMocks());

const MAP = '/api/migrations/7/map';
const FIELDS = `${MAP}/account-fields`;

function server(fields: Reply | (() => Reply | Promise<Reply>) = { body: accountFieldChoices() }) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', MAP, { body: mapView() })
    .on('GET', `${MAP}/versions`, { body: { versions: [] } })
    .on('GET', '/api/mapping-profiles', { body: { profiles: [] } })
    .on('GET', FIELDS, fields);
}

async function pickExisting(api: FakeApi, target = 'Department') {
  renderPanel('/migrations/7/map', api);
  await screen.findByRole('table', { name: 'Columns of brugere.csv' });
  await userEvent.click(screen.getByRole('button', { name: `Change where Person ${target} lands` }));
  await userEvent.selectOptions(screen.getByLabelText(`Where Person · ${target} lands`), 'existing');
}

// Several selects per test: on the loaded two-core machine one test can take more than the default 5 s.
describe('an existing custom field as destination', { timeout: 20_000 }, () => {
  it('loads the account’s fields only when asked, showing the wait', async () => {
    const answer = deferred<Reply>();
    const api = server(() => answer.promise);
    renderPanel('/migrations/7/map', api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    expect(api.requests()).not.toContain(`GET ${FIELDS}`);
    await userEvent.click(screen.getByRole('button', { name: 'Change where Person Department lands' }));
    await userEvent.selectOptions(screen.getByLabelText('Where Person · Department lands'), 'existing');
    expect(await screen.findByText('Loading the account’s fields…')).toBeDefined();
    answer.resolve({ body: accountFieldChoices() });
    expect(
      await screen.findByLabelText('Field the account already has, for Person · Department'),
    ).toBeDefined();
    expect(api.requests().filter((r) => r === `GET ${FIELDS}`)).toHaveLength(1);
  });

  it('offers only the fields whose type can hold the values, and saves the one chosen', async () => {
    const api = server().on('PATCH', `${MAP}/destinations`, {
      body: mapView({
        version: 4,
        destinations: [
          mapDestination({
            entity: 'person',
            field: 'department',
            label: 'Department',
            destination: { kind: 'existing', fieldCode: 'f00d', name: 'Afdeling', type: 'enum' },
            description: 'Person · existing field "Afdeling" (single option)',
          }),
        ],
      }),
    });
    await pickExisting(api);
    const select = (await screen.findByLabelText(
      'Field the account already has, for Person · Department',
    )) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'Choose a field',
      'Afdeling (single option)',
      'Team (text)',
    ]);
    const save = screen.getByRole('button', { name: 'Save destination' });
    expect(save.hasAttribute('disabled')).toBe(true);
    await userEvent.selectOptions(select, 'f00d');
    expect(screen.getByText('Its options: Salg, Lager')).toBeDefined();
    await userEvent.click(save);
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [
        { entity: 'person', field: 'department', destination: { kind: 'existing', fieldCode: 'f00d' } },
      ],
    });
    expect(screen.getByText('Person · existing field "Afdeling" (single option)')).toBeDefined();
  });

  it('says so when the account has no field that can hold the values', async () => {
    await pickExisting(
      server({ body: { person: accountFieldChoices().person.slice(1, 2), organization: [] } }),
    );
    expect(
      await screen.findByText(
        'The account has no custom Person field that can hold Department: choose another destination.',
      ),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Save destination' }).hasAttribute('disabled')).toBe(true);
  });

  it('says the fields could not be loaded, and loads them again on request', async () => {
    let fail = true;
    const api = server(() =>
      fail
        ? apiError(502, 'pipedrive_unavailable', 'Pipedrive did not answer.')
        : { body: accountFieldChoices() },
    );
    await pickExisting(api);
    const error = await screen.findByRole('alert', { name: 'The account’s fields could not be loaded' });
    expect(within(error).getByText('Pipedrive did not answer.')).toBeDefined();
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByLabelText('Field the account already has, for Person · Department'),
    ).toBeDefined();
  });

  it('shows the server’s refusal of a field that no longer fits (changed in Pipedrive meanwhile), keeping the map', async () => {
    const api = server().on(
      'PATCH',
      `${MAP}/destinations`,
      apiError(
        400,
        'destination_does_not_fit',
        '"Team" is a number field; Department needs text, autocomplete text, long text, single option, multiple options.',
      ),
    );
    await pickExisting(api);
    await userEvent.selectOptions(
      await screen.findByLabelText('Field the account already has, for Person · Department'),
      'cafe',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save destination' }));
    const banner = await screen.findByText('That change was not made');
    expect(banner.closest('[role="alert"]')?.textContent).toContain(
      '"Team" is a number field; Department needs text, autocomplete text, long text, single option, multiple options.',
    );
    expect(screen.getByText('Version 3 · draft · 3 columns in 1 file')).toBeDefined();
  });

  it('offers no existing field for a reference, which only a standard field holds', async () => {
    const base = mapView();
    const organization = standardDestination({
      entity: 'person',
      field: 'organization',
      label: 'Organization (primary company)',
      key: 'org_id',
      keyLabel: 'Organization',
      choices: {
        standard: [{ key: 'org_id', label: 'Organization' }],
        custom: false,
        note: true,
        ignore: true,
      },
    });
    const api = server().on('GET', MAP, {
      body: { ...base, destinations: [...base.destinations, organization] },
    });
    renderPanel('/migrations/7/map', api);
    await screen.findByRole('table', { name: 'Columns of brugere.csv' });
    await userEvent.click(
      screen.getByRole('button', { name: 'Change where Person Organization (primary company) lands' }),
    );
    const select = screen.getByLabelText(
      'Where Person · Organization (primary company) lands',
    ) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual([
      'standard:org_id',
      'note',
      'ignore',
      'proposal',
    ]);
  });
});
