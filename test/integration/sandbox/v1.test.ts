import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox API v1 notes, files, users and call logs, through the official SDK', () => {
  let t: TestSandbox;
  let boss: number;

  beforeAll(async () => {
    t = await startTestSandbox({
      company: {
        name: 'Acme HR',
        users: [
          { name: 'Ada Admin', email: 'ada@acme.example', isAdmin: true },
          { name: 'Ben Boss', email: 'Ben.Boss@acme.example' },
        ],
      },
    });
    boss = t.sandbox.company(t.companyId).activeUsers()[1]!.id;
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Jane Doe' } });
  });
  afterAll(() => t.close());

  it('adds a note with a historical add_time, sanitised HTML, and the person and author it belongs to', async () => {
    const res = await t.pd.notes.addNote({
      AddNoteRequest: {
        content: '<p onclick="x()">1:1 summary</p><script>alert(1)</script>',
        person_id: 1,
        add_time: '2020-02-01 12:00:00',
        pinned_to_person_flag: 1,
      },
    });
    expect(res.data).toMatchObject({
      id: 1,
      content: '<p>1:1 summary</p>',
      person_id: 1,
      add_time: '2020-02-01 12:00:00',
      update_time: '2026-03-02 09:00:00',
      active_flag: true,
      pinned_to_person_flag: true,
      person: { name: 'Jane Doe' },
      user: { name: 'Ada Admin', email: 'ada@acme.example', is_you: true, icon_url: null },
    });
  });

  it('needs content, an existing parent, and add_time as YYYY-MM-DD HH:MM:SS', async () => {
    const noContent = await rejection(t.pd.notes.addNote({ AddNoteRequest: { content: ' ', person_id: 1 } }));
    expect(noContent).toEqual({
      success: false,
      error: 'content is required',
      error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
      data: null,
      additional_data: null,
    });
    expect((await rejection(t.pd.notes.addNote({ AddNoteRequest: { content: 'x' } }))).error).toBe(
      'One of person_id, org_id, deal_id, lead_id, project_id or task_id is required',
    );
    expect(
      (await rejection(t.pd.notes.addNote({ AddNoteRequest: { content: 'x', person_id: 9 } }))).error,
    ).toBe('Person not found');
    expect(
      (
        await rejection(
          t.pd.notes.addNote({
            AddNoteRequest: { content: 'x', person_id: 1, add_time: '2020-02-01T12:00:00Z' },
          }),
        )
      ).error,
    ).toBe('add_time must be a date and time as YYYY-MM-DD HH:MM:SS');
  });

  it('lists notes of a person with start/limit paging, updates and deletes them', async () => {
    await t.pd.notes.addNote({ AddNoteRequest: { content: 'second', person_id: 1 } });
    await t.pd.notes.addNote({ AddNoteRequest: { content: 'third', person_id: 1 } });
    const page1 = await t.pd.notes.getNotes({ person_id: 1, limit: 2 });
    expect(page1.data!.map((n) => n.id)).toEqual([1, 2]);
    expect(page1.additional_data!.pagination).toEqual({
      start: 0,
      limit: 2,
      more_items_in_collection: true,
      next_start: 2,
    });
    const page2 = await t.pd.notes.getNotes({ person_id: 1, start: 2, limit: 2 });
    expect(page2.data!.map((n) => n.content)).toEqual(['third']);
    expect(page2.additional_data!.pagination!.more_items_in_collection).toBe(false);
    const sorted = await t.pd.notes.getNotes({ person_id: 1, sort: 'add_time DESC' });
    expect(sorted.data!.map((n) => n.id)).toEqual([2, 3, 1]);
    const updated = await t.pd.notes.updateNote({ id: 2, NoteRequest: { content: 'second, edited' } });
    expect(updated.data).toMatchObject({ content: 'second, edited', last_update_user_id: t.adminId });
    expect(await t.pd.notes.deleteNote({ id: 3 })).toEqual({ success: true, data: true });
    expect((await rejection(t.pd.notes.getNote({ id: 3 }))).error).toBe('Note not found');
  });

  it('makes a person findable by the text of their notes (search fields=notes)', async () => {
    const res = await t.pd.persons.searchPersons({ term: 'summary', fields: 'notes' });
    expect(res.data!.items!.map((i) => [i.item!.id, i.item!.notes])).toEqual([[1, ['1:1 summary']]]);
  });

  it('uploads a file for a person (multipart), downloads the same bytes, renames and deletes it', async () => {
    const bytes = Buffer.from('%PDF-1.4 survey results\n');
    const up = await t.pd.files.addFile({
      file: new File([bytes], 'survey 2020.pdf', { type: 'application/pdf' }),
      person_id: 1,
    });
    expect(up.data).toMatchObject({
      id: 1,
      person_id: 1,
      person_name: 'Jane Doe',
      name: 'survey 2020.pdf',
      file_name: '1_survey_2020.pdf',
      file_size: bytes.length,
      file_type: 'pdf',
      add_time: '2026-03-02 09:00:00',
      active_flag: true,
      url: `${t.url}/v1/files/1/download`,
    });
    const download = await t.raw('/v1/files/1/download');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.body).toBe(bytes.toString());
    const renamed = await t.pd.files.updateFile({ id: 1, name: 'Survey.pdf', description: 'Q1' });
    expect(renamed.data).toMatchObject({ name: 'Survey.pdf', description: 'Q1' });
    const long = 'x'.repeat(40_000);
    expect((await t.pd.files.updateFile({ id: 1, description: long })).data!.description).toBe(long);
    expect((await t.pd.files.getFiles({})).data!.map((f) => f.id)).toEqual([1]);
    await t.pd.files.deleteFile({ id: 1 });
    expect((await t.pd.files.getFiles({})).data).toEqual([]);
  });

  it('refuses an upload without a file or without anything to attach it to', async () => {
    const unattached = await rejection(t.pd.files.addFile({ file: new File(['x'], 'a.txt') }));
    expect(unattached.error).toBe(
      'One of person_id, org_id, activity_id, deal_id, product_id, lead_id or project_id is required',
    );
    const noFile = await t.raw('/v1/files', {
      method: 'POST',
      body: 'person_id=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatchObject({ error: 'Request must be multipart/form-data' });
  });

  it('lists users, answers /users/me with the company, and finds a user by e-mail', async () => {
    const users = await t.pd.users.getUsers();
    expect(users.data!.map((u) => [u.name, u.is_you])).toEqual([
      ['Ada Admin', true],
      ['Ben Boss', false],
    ]);
    const me = await t.raw('/v1/users/me');
    expect(me.body).toMatchObject({
      data: { id: t.adminId, company_id: t.companyId, company_name: 'Acme HR', company_domain: 'acme-hr' },
    });
    const found = await t.pd.users.findUsersByName({ term: 'ben.boss@acme', search_by_email: 1 });
    expect(found.data!.map((u) => u.id)).toEqual([boss]);
    const none = await t.pd.users.findUsersByName({ term: 'nobody@acme', search_by_email: 1 });
    expect(none.data).toBeNull();
    expect((await t.pd.users.getUser({ id: boss })).data!.email).toBe('Ben.Boss@acme.example');
  });

  it('logs calls with their real start and end times, lists, reads and deletes them', async () => {
    const log = await t.pd.callLogs.addCallLog({
      AddCallLogRequest: {
        outcome: 'connected',
        to_phone_number: '+372 5555 0101',
        start_time: '2020-01-10 10:00:00',
        end_time: '2020-01-10 10:05:00',
        person_id: 1,
        subject: 'Check-in',
      },
    });
    expect(log.data).toMatchObject({
      outcome: 'connected',
      start_time: '2020-01-10 10:00:00',
      end_time: '2020-01-10 10:05:00',
      person_id: 1,
      has_recording: false,
      company_id: t.companyId,
      user_id: t.adminId,
    });
    expect(log.data.id).toMatch(/^[0-9a-f]{32}$/);
    expect((await t.pd.callLogs.getUserCallLogs({})).data.map((l) => l.id)).toEqual([log.data.id]);
    expect((await t.pd.callLogs.getCallLog({ id: log.data.id })).data.subject).toBe('Check-in');
    const bad = await rejection(
      t.pd.callLogs.addCallLog({
        AddCallLogRequest: {
          outcome: 'connected',
          to_phone_number: '1',
          start_time: '2020-01-10 10:05:00',
          end_time: '2020-01-10 10:00:00',
        },
      }),
    );
    expect(bad.error).toBe('end_time must not be before start_time');
    expect(await t.pd.callLogs.deleteCallLog({ id: log.data.id })).toEqual({ success: true });
    expect((await rejection(t.pd.callLogs.getCallLog({ id: log.data.id }))).error).toBe('Call log not found');
  });

  it('serves API v1 under both /v1 and /api/v1', async () => {
    const a = await t.raw('/v1/users/me');
    const b = await t.raw('/api/v1/users/me');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toEqual(b.body);
  });
});
