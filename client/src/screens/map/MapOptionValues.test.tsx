import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MapView, OptionMapping } from '../../api/map.ts';
import { FakeApi } from '../../testing/fake-api.ts';
import { mapColumn, mapView } from '../../testing/map-fixtures.ts';
import { renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';
import { mockTableLayout } from '../../testing/table-layout.ts';

beforeEach(() => mockTableLayout());
afterEach(() => vi.restoreAllMocks());

const MAP = '/api/migrations/7/map';

const statusMapping = (over: Partial<OptionMapping> = {}): OptionMapping => ({
  where: 'Person · our custom field "Employment status" (single option)',
  options: ['Active', 'On Leave', 'Terminated'],
  canAddOptions: true,
  values: [
    { value: 'Aktiv', count: 1204, option: 'Active', status: 'option' },
    { value: 'Ukendt', count: 3, option: null, status: 'empty' },
    { value: 'Sabbatical', count: 2, option: null, status: 'unmatched' },
    { value: 'Vikar', count: 1, option: null, status: 'unmatched' },
  ],
  unmatched: 2,
  ...over,
});

/** The fixture map with a fourth column, Status, feeding Employment status (an option field). */
function withStatus(mapping: OptionMapping, over: Partial<MapView> = {}): MapView {
  const base = mapView();
  const [users] = base.files;
  if (!users) throw new Error('fixture without files');
  const status = mapColumn({
    column: 3,
    header: 'Status',
    field: 'employmentStatus',
    destination: 'Employment status → Person · our custom field "Employment status" (single option)',
    feeds: [{ entity: 'person', target: 'employmentStatus' }],
    values: { Aktiv: 'Active', Ukendt: null },
    optionMapping: mapping,
    flags:
      mapping.unmatched > 0
        ? [
            {
              code: 'unmapped_values',
              blocking: true,
              message: `${mapping.unmatched} values of "Status" match no option`,
            },
          ]
        : [],
  });
  return {
    ...base,
    files: [
      {
        ...users,
        fieldChoices: [...users.fieldChoices, { field: 'employmentStatus', label: 'employment status' }],
        columns: [...users.columns, status],
      },
    ],
    ...over,
  };
}

function server(map: MapView) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', MAP, { body: map })
    .on('GET', `${MAP}/versions`, { body: { versions: [] } })
    .on('GET', '/api/mapping-profiles', { body: { profiles: [] } });
}

/** The form of the Status column's values (found by text: role queries are slow on a busy machine). */
function valuesForm(): HTMLElement {
  const form = screen.getByText(/^Values of “Status” in /).closest('form');
  if (!form) throw new Error('no values form');
  return form;
}

async function openStatus(api: FakeApi) {
  renderPanel('/migrations/7/map', api);
  await userEvent.click(await screen.findByLabelText('Edit column Status'));
  await screen.findByText('Column “Status” in brugere.csv');
  return valuesForm();
}

// Several selects per test: on the loaded two-core machine one test can take more than the default 5 s.
describe('option values of a column', { timeout: 20_000 }, () => {
  it('lists each value found with its count and option, and highlights the values no option matches', async () => {
    const form = await openStatus(server(withStatus(statusMapping())));
    expect(form.querySelector('h4')?.textContent).toBe(
      'Values of “Status” in Person · our custom field "Employment status" (single option)',
    );
    expect(
      within(form).getByText('2 values match no option: choose an option, a new option or skip for each.'),
    ).toBeDefined();
    const items = [...form.querySelectorAll('li')];
    expect(items.map((li) => li.className)).toEqual([
      'map-value',
      'map-value',
      'map-value map-value--unmatched',
      'map-value map-value--unmatched',
    ]);
    expect(items[0]?.querySelector('.map-value__source')?.textContent).toBe('“Aktiv” 1,204 rows ');
    expect(items[2]?.querySelector('.map-value__source')?.textContent).toBe('“Sabbatical” 2 rows No option');
    expect((within(form).getByLabelText('Option for “Aktiv”') as HTMLSelectElement).value).toBe(
      'option:Active',
    );
    expect((within(form).getByLabelText('Option for “Ukendt”') as HTMLSelectElement).value).toBe('skip');
    const unmatched = within(form).getByLabelText('Option for “Sabbatical”') as HTMLSelectElement;
    expect(unmatched.value).toBe('');
    expect([...unmatched.options].map((o) => o.textContent)).toEqual([
      'No option yet: choose one',
      'Option “Active”',
      'Option “On Leave”',
      'Option “Terminated”',
      'A new option…',
      'Skip (value_skipped): leave the field empty',
    ]);
    expect(within(form).getByRole('button', { name: 'Save value mapping' }).hasAttribute('disabled')).toBe(
      true,
    );
  });

  it('maps unmatched values to an existing option, a new option and skip, through the column edit', async () => {
    const api = server(withStatus(statusMapping())).on('PATCH', `${MAP}/source`, {
      body: withStatus(
        statusMapping({
          options: ['Active', 'On Leave', 'Terminated', 'Sabbatical'],
          values: [
            { value: 'Aktiv', count: 1204, option: 'Active', status: 'option' },
            { value: 'Ukendt', count: 3, option: null, status: 'empty' },
            { value: 'Sabbatical', count: 2, option: 'Sabbatical', status: 'option' },
            { value: 'Vikar', count: 1, option: 'Active', status: 'option' },
          ],
          unmatched: 0,
        }),
        { version: 4 },
      ),
    });
    const form = await openStatus(api);
    await userEvent.selectOptions(within(form).getByLabelText('Option for “Sabbatical”'), 'new');
    const label = within(form).getByLabelText('New option for “Sabbatical”') as HTMLInputElement;
    expect(label.value).toBe('Sabbatical');
    await userEvent.selectOptions(within(form).getByLabelText('Option for “Vikar”'), 'option:Active');
    await userEvent.click(within(form).getByRole('button', { name: 'Save value mapping' }));
    await screen.findByText('Version 4 · draft · 4 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [
        {
          fileId: 11,
          column: 3,
          values: { Aktiv: 'Active', Ukendt: null, Sabbatical: 'Sabbatical', Vikar: 'Active' },
          newOptions: ['Sabbatical'],
        },
      ],
    });
    expect(await screen.findByText('The values of “Status” are mapped as you chose.')).toBeDefined();
    const after = valuesForm();
    expect(
      within(after).getByText('Every value found lands in an option or is skipped (4 options).'),
    ).toBeDefined();
    expect(after.querySelectorAll('.map-value--unmatched')).toHaveLength(0);
  });

  it('skips a value, leaving the field empty on its records', async () => {
    const api = server(withStatus(statusMapping())).on('PATCH', `${MAP}/source`, {
      body: withStatus(statusMapping(), { version: 4 }),
    });
    const form = await openStatus(api);
    await userEvent.selectOptions(within(form).getByLabelText('Option for “Vikar”'), 'skip');
    await userEvent.click(within(form).getByRole('button', { name: 'Save value mapping' }));
    await screen.findByText('Version 4 · draft · 4 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [{ fileId: 11, column: 3, values: { Aktiv: 'Active', Ukendt: null, Vikar: null } }],
    });
  });

  it('will not save a new option without a name', async () => {
    const form = await openStatus(server(withStatus(statusMapping())));
    await userEvent.selectOptions(within(form).getByLabelText('Option for “Vikar”'), 'new');
    await userEvent.clear(within(form).getByLabelText('New option for “Vikar”'));
    expect(within(form).getByText('Give the new option a name.')).toBeDefined();
    expect(within(form).getByRole('button', { name: 'Save value mapping' }).hasAttribute('disabled')).toBe(
      true,
    );
  });

  it('offers no new option for a field the account already has, and says where to add one', async () => {
    const form = await openStatus(
      server(
        withStatus(
          statusMapping({ where: 'Person · existing field "Status" (single option)', canAddOptions: false }),
        ),
      ),
    );
    expect(
      within(form).getByText(/The field is the account’s own: new options are added in Pipedrive\./),
    ).toBeDefined();
    const select = within(form).getByLabelText('Option for “Vikar”') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual([
      '',
      'option:Active',
      'option:On Leave',
      'option:Terminated',
      'skip',
    ]);
  });

  it('says so when the column holds no values', async () => {
    const form = await openStatus(server(withStatus(statusMapping({ values: [], unmatched: 0 }))));
    expect(within(form).getByText('No values were found in this column.')).toBeDefined();
  });
});
