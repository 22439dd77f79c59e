import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, FakeApi } from '../../testing/fake-api.ts';
import { mapView } from '../../testing/map-fixtures.ts';
import { renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';
import { mockTableLayout } from '../../testing/table-layout.ts';

beforeEach(() => mockTableLayout());
afterEach(() => vi.restoreAllMocks());

const MAP = '/api/migrations/7/map';

function server() {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', MAP, { body: mapView() })
    .on('GET', `${MAP}/versions`, { body: { versions: [] } })
    .on('GET', '/api/mapping-profiles', { body: { profiles: [] } });
}

async function openSettings(api: FakeApi) {
  renderPanel('/migrations/7/map', api);
  return screen.findByRole('region', { name: 'Record settings' });
}

const fieldValue = (region: HTMLElement, label: string) =>
  (within(region).getByLabelText(label) as HTMLInputElement | HTMLSelectElement).value;

// Several selects per test: on the loaded two-core machine one test can take more than the default 5 s.
describe('the map’s record settings', { timeout: 20_000 }, () => {
  it('shows the settings the map holds, with nothing to save until one changes', async () => {
    const region = await openSettings(server());
    expect(
      [
        'A person without a name',
        'A value that cannot be sent',
        'Time zone of created times that state none',
        'Label of e-mail addresses',
        'Label of phone numbers',
      ].map((l) => fieldValue(region, l)),
    ).toEqual(['skip', 'drop_value', 'Europe/Copenhagen', 'work', 'mobile']);
    expect(within(region).getByRole('button', { name: 'Save settings' }).hasAttribute('disabled')).toBe(true);
  });

  it('saves only the settings that changed, on the version shown, and shows the next version', async () => {
    const next = mapView({
      version: 4,
      settings: {
        missingName: 'email',
        invalidValue: 'drop_value',
        timeZone: 'Europe/London',
        emailLabel: 'work',
        phoneLabel: 'mobile',
      },
    });
    const api = server().on('PATCH', `${MAP}/destinations`, { body: next });
    const region = await openSettings(api);
    await userEvent.selectOptions(within(region).getByLabelText('A person without a name'), 'email');
    const zone = within(region).getByLabelText('Time zone of created times that state none');
    await userEvent.clear(zone);
    await userEvent.type(zone, ' Europe/London ');
    await userEvent.click(within(region).getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Version 4 · draft · 3 columns in 1 file');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      changes: [],
      settings: { missingName: 'email', timeZone: 'Europe/London' },
    });
    expect(await screen.findByText('Record settings saved.')).toBeDefined();
    const after = screen.getByRole('region', { name: 'Record settings' });
    expect(fieldValue(after, 'A person without a name')).toBe('email');
    expect(within(after).getByRole('button', { name: 'Save settings' }).hasAttribute('disabled')).toBe(true);
  });

  it('will not save an empty time zone', async () => {
    const region = await openSettings(server());
    await userEvent.clear(within(region).getByLabelText('Time zone of created times that state none'));
    expect(within(region).getByText('Give a time zone.')).toBeDefined();
    expect(within(region).getByRole('button', { name: 'Save settings' }).hasAttribute('disabled')).toBe(true);
  });

  it('shows the server’s refusal of a time zone it does not know, keeping what was typed', async () => {
    const api = server().on(
      'PATCH',
      `${MAP}/destinations`,
      apiError(400, 'invalid_request', 'settings.timeZone: must be an IANA time zone'),
    );
    const region = await openSettings(api);
    const zone = within(region).getByLabelText('Time zone of created times that state none');
    await userEvent.clear(zone);
    await userEvent.type(zone, 'Mars/Olympus');
    await userEvent.click(within(region).getByRole('button', { name: 'Save settings' }));
    const banner = await screen.findByText('That change was not made');
    expect(banner.closest('[role="alert"]')?.textContent).toContain(
      'settings.timeZone: must be an IANA time zone',
    );
    expect(
      fieldValue(
        screen.getByRole('region', { name: 'Record settings' }),
        'Time zone of created times that state none',
      ),
    ).toBe('Mars/Olympus');
  });
});
