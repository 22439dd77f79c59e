import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import {
  emptySummary,
  fileResult,
  migrationDetail,
  sourceFile,
  stagingServer,
} from '../../testing/staging-fixtures.ts';

const bytes = (name: string, size: number) => new File(['x'.repeat(size)], name);

async function open(api: FakeApi) {
  renderPanel('/migrations/7/upload', api);
  await screen.findByRole('heading', { level: 1, name: 'Upload your Actimo exports' });
}

function progressOf(name: string) {
  const bar = screen.getByRole('progressbar', { name });
  return bar.getAttribute('aria-valuetext');
}

/** What each uploaded file of a batch became, as text. */
function fileItems(batch: HTMLElement): string[] {
  return Array.from(batch.querySelectorAll('.upload-file')).map((li) => li.textContent ?? '');
}

describe('opening a migration', () => {
  it('says the migration does not exist, with a way back', async () => {
    const api = new FakeApi().on(
      'GET',
      '/api/migrations/7',
      apiError(404, 'migration_not_found', 'Migration 7 does not exist.'),
    );
    renderPanel('/migrations/7/upload', api);
    const empty = await screen.findByRole('region', { name: 'This migration does not exist' });
    expect(empty.textContent).toBe(
      'This migration does not existIt may have been deleted, or the link belongs to another Pipedrive company.Go to migrations',
    );
    expect(within(empty).getByRole('link').getAttribute('href')).toBe('/migrations');
  });

  it('shows why the migration could not be loaded, and tries again', async () => {
    let calls = 0;
    const api = new FakeApi()
      .on('GET', '/api/migrations/7', () =>
        ++calls === 1
          ? apiError(500, 'internal_error', 'Something went wrong on our side.')
          : { body: migrationDetail() },
      )
      .on('GET', '/api/migrations/7/files', { body: { files: [] } });
    renderPanel('/migrations/7/upload', api);
    const alert = await screen.findByRole('alert', { name: 'The migration could not be loaded' });
    expect(within(alert).getByText('Something went wrong on our side.')).toBeTruthy();
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Spring move')).toBeTruthy();
  });
});

describe('the upload step of an empty migration', () => {
  it('asks for files, shows nothing staged, and holds back the next step', async () => {
    const { api } = stagingServer();
    await open(api);
    expect(screen.getByText('Spring move').className).toBe('screen__eyebrow');
    expect((await screen.findByRole('region', { name: 'No files yet' })).textContent).toBe(
      'No files yetDrop the exports above. Nothing is sent to Pipedrive at this step.',
    );
    expect(screen.getByRole('region', { name: 'Nothing staged yet' }).textContent).toBe(
      'Nothing staged yetUpload the users export (and whichever others you have) to see what will move to Pipedrive.',
    );
    const next = screen.getByRole('button', { name: 'Continue to the field map' }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    expect(next.getAttribute('aria-describedby')).toBe('next-hint');
    expect(document.getElementById('next-hint')?.textContent).toBe(
      'Stage a users or a companies export first: the map starts from them.',
    );
    expect(screen.getByLabelText('Actimo exports').getAttribute('type')).toBe('file');
  });

  it('says it is loading the files, then why they could not be loaded, and tries again', async () => {
    const pending = deferred<Reply>();
    let calls = 0;
    const api = new FakeApi()
      .on('GET', '/api/migrations/7', { body: migrationDetail() })
      .on('GET', '/api/migrations/7/files', () =>
        ++calls === 1 ? pending.promise : { body: { files: [sourceFile()] } },
      );
    await open(api);
    expect(screen.getByText('Loading the files…')).toBeTruthy();
    pending.resolve(apiError(503, 'unavailable', 'The database is not answering.'));
    const alert = await screen.findByRole('alert', { name: 'The files could not be loaded' });
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 3, name: 'users.csv' })).toBeTruthy();
  });
});

describe('uploading', () => {
  it('sends several files and a zip in one request, with the progress of each file', async () => {
    const { api, state } = stagingServer();
    await open(api);
    await userEvent.upload(screen.getByLabelText('Actimo exports'), [
      bytes('users.csv', 300),
      bytes('brugere.csv', 100),
      bytes('export.zip', 600),
    ]);
    await waitFor(() => expect(api.uploads).toHaveLength(1));
    const upload = api.uploads[0]!;
    expect([upload.method, upload.url, upload.fileNames()]).toEqual([
      'POST',
      '/api/migrations/7/files',
      ['users.csv', 'brugere.csv', 'export.zip'],
    ]);
    upload.progress(500, 1000);
    await waitFor(() => expect(progressOf('users.csv')).toBe('300 B of 300 B'));
    expect(progressOf('brugere.csv')).toBe('100 B of 100 B');
    expect(progressOf('export.zip')).toBe('100 B of 600 B');
    const batch = screen.getByRole('region', { name: 'Upload of 3 files' });
    expect(within(batch).getByRole('status').textContent).toBe('Sending 3 files (1,000 B)…');
    upload.progress(1000, 1000);
    await waitFor(() =>
      expect(within(batch).getByRole('status').textContent).toBe(
        'Reading and checking every row. Large exports take a minute or two.',
      ),
    );
    expect(within(batch).queryByRole('button')).toBeNull();

    state.files = [
      sourceFile(),
      sourceFile({ id: 2, name: 'brugere.csv', kind: 'unknown', kindConfidence: 0 }),
    ];
    state.detail = migrationDetail({
      status: 'staged',
      summary: { counts: { person: 1200, organization: 3 }, issues: [] },
    });
    upload.respond({
      status: 201,
      body: {
        migrationId: 7,
        summary: state.detail.summary,
        files: [
          fileResult(),
          fileResult({ fileId: 2, name: 'brugere.csv', kind: 'unknown', kindConfidence: 0, rows: 40 }),
          fileResult({ fileId: 3, name: 'export.zip/companies.csv', kind: 'companies', rows: 1 }),
          fileResult({
            fileId: 4,
            name: 'export.zip/files/contract.pdf',
            kind: 'attachment',
            status: 'kept',
            rows: 0,
          }),
          fileResult({
            fileId: 5,
            name: 'export.zip/broken.csv',
            kind: 'unknown',
            status: 'failed',
            rows: 0,
            error: {
              code: 'undecodable',
              message: 'broken.csv cannot be read as UTF-8: undecodable bytes ff fe at line 3, column 7.',
            },
          }),
          fileResult({ fileId: 1, alreadyStaged: true, name: 'export.zip/users.csv' }),
        ],
      },
    });
    await waitFor(() =>
      expect(within(batch).getByRole('status').textContent).toBe('Done: 4 read, 1 already here, 1 failed.'),
    );
    expect(fileItems(batch)).toEqual([
      'users.csvReadUsers, 1,200 rows.',
      'brugere.csvCheckNot recognised, 40 rows: check its kind below.',
      'export.zipReadcompanies.csv: Companies, 1 row.' +
        'Keptfiles/contract.pdf: Kept as an attached file.' +
        'Failedbroken.csv: broken.csv cannot be read as UTF-8: undecodable bytes ff fe at line 3, column 7.' +
        'Already hereusers.csv: Already in this migration: nothing changed.',
    ]);
    // The files and the summary are loaded again.
    expect(await screen.findByRole('heading', { level: 3, name: 'brugere.csv' })).toBeTruthy();
    expect(await screen.findByText('1,200 people')).toBeTruthy();
    expect(api.requests()).toEqual([
      'GET /api/migrations/7',
      'GET /api/migrations/7/files',
      'GET /api/migrations/7',
      'GET /api/migrations/7/files',
    ]);
    await userEvent.click(within(batch).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: 'Upload of 3 files' })).toBeNull();
  });

  it('shows each file’s reason when every file of an upload failed', async () => {
    const { api } = stagingServer();
    await open(api);
    await userEvent.upload(screen.getByLabelText('Actimo exports'), [bytes('users-header-only.csv', 20)]);
    await waitFor(() => expect(api.uploads).toHaveLength(1));
    api.uploads[0]!.respond(
      apiError(400, 'header_only', 'users-header-only.csv has a header row but no data rows.', {
        files: [
          fileResult({
            name: 'users-header-only.csv',
            status: 'failed',
            kind: 'unknown',
            rows: 0,
            error: {
              code: 'header_only',
              message: 'users-header-only.csv has a header row but no data rows.',
            },
          }),
        ],
      }),
    );
    const batch = screen.getByRole('region', { name: 'Upload of users-header-only.csv' });
    await waitFor(() =>
      expect(within(batch).getByRole('status').textContent).toBe(
        'The upload failed. Nothing from it was staged.',
      ),
    );
    expect(fileItems(batch)).toEqual([
      'users-header-only.csvFailedusers-header-only.csv has a header row but no data rows.',
    ]);
    expect(within(batch).queryByRole('alert')).toBeNull();
  });

  it('shows the server’s reason when it refuses the whole upload', async () => {
    const { api } = stagingServer();
    await open(api);
    await userEvent.upload(screen.getByLabelText('Actimo exports'), [bytes('huge.zip', 50)]);
    await waitFor(() => expect(api.uploads).toHaveLength(1));
    api.uploads[0]!.respond(
      apiError(
        413,
        'upload_too_large',
        'The upload is larger than 2147483648 bytes (UPLOAD_MAX_BYTES). Nothing from it was staged; split the exports or zip them.',
      ),
    );
    const batch = screen.getByRole('region', { name: 'Upload of huge.zip' });
    expect((await within(batch).findByRole('alert')).textContent).toBe(
      'The upload is larger than 2147483648 bytes (UPLOAD_MAX_BYTES). Nothing from it was staged; split the exports or zip them.',
    );
    expect(progressOf('huge.zip')).toBe('0 B of 50 B · stopped by an error');
  });

  it('cancels an upload on request, and sends files dropped meanwhile after it', async () => {
    const { api } = stagingServer();
    await open(api);
    const input = screen.getByLabelText('Actimo exports');
    await userEvent.upload(input, [bytes('users.csv', 10)]);
    await waitFor(() => expect(api.uploads).toHaveLength(1));
    await userEvent.upload(input, [bytes('companies.csv', 10)]);
    const second = screen.getByRole('region', { name: 'Upload of companies.csv' });
    expect(within(second).getByRole('status').textContent).toBe(
      '1 file waiting for the previous upload to finish.',
    );
    const first = screen.getByRole('region', { name: 'Upload of users.csv' });
    await userEvent.click(within(first).getByRole('button', { name: 'Cancel' }));
    expect(api.uploads[0]!.aborted).toBe(true);
    expect(within(first).getByRole('status').textContent).toBe(
      'Cancelled. Nothing from this upload was staged.',
    );
    await waitFor(() => expect(api.uploads).toHaveLength(2));
    expect(api.uploads[1]!.fileNames()).toEqual(['companies.csv']);
    expect(within(second).getByRole('status').textContent).toBe('Sending 1 file (10 B)…');
  });

  it('keeps sending while the admin looks at another screen of the migration, and stops when they leave it', async () => {
    const { api } = stagingServer();
    api.on('GET', '/api/migrations/7/staged/person', {
      body: { offset: 0, limit: 200, total: 0, records: [] },
    });
    api.on('GET', '/api/migrations', { body: { migrations: [] } });
    const router = renderPanel('/migrations/7/upload', api);
    await screen.findByRole('heading', { level: 1, name: 'Upload your Actimo exports' });
    const input = screen.getByLabelText('Actimo exports');
    await userEvent.upload(input, [bytes('users.csv', 10)]);
    await waitFor(() => expect(api.uploads).toHaveLength(1));
    await act(() => router.navigate('/migrations/7/upload/records/person'));
    await screen.findByRole('heading', { level: 1, name: 'Staged people' });
    expect(api.uploads[0]!.aborted).toBe(false);
    api.uploads[0]!.respond({
      status: 201,
      body: { migrationId: 7, summary: emptySummary(), files: [fileResult({ rows: 3 })] },
    });
    await act(() => router.navigate('/migrations/7/upload'));
    const batch = await screen.findByRole('region', { name: 'Upload of users.csv' });
    expect(within(batch).getByRole('status').textContent).toBe('Done: 1 read.');

    await userEvent.upload(screen.getByLabelText('Actimo exports'), [bytes('companies.csv', 10)]);
    await waitFor(() => expect(api.uploads).toHaveLength(2));
    await act(() => router.navigate('/migrations'));
    await screen.findByRole('heading', { level: 1, name: 'Migrations' });
    expect(api.uploads[1]!.aborted).toBe(true);
  });
});
