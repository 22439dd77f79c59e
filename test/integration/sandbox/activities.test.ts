import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox API v2 activities, through the official SDK', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startTestSandbox();
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Ann Lee' } });
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Bo Berg' } });
  });
  afterAll(() => t.close());

  it('creates a done historical activity linked through participants; person_id reads back as the primary one', async () => {
    const res = await t.pd.activities.addActivity({
      AddActivityRequest: {
        type: 'meeting',
        subject: 'Quarterly review',
        due_date: '2020-03-01',
        due_time: '10:00',
        duration: '00:30',
        done: true,
        participants: [{ person_id: 2 }, { person_id: 1, primary: true }],
      },
    });
    expect(res.data).toEqual({
      id: 1,
      subject: 'Quarterly review',
      type: 'meeting',
      owner_id: t.adminId,
      creator_user_id: t.adminId,
      is_deleted: false,
      add_time: '2026-03-02T09:00:00Z',
      update_time: '2026-03-02T09:00:00Z',
      deal_id: null,
      lead_id: null,
      person_id: 1,
      org_id: null,
      project_id: null,
      due_date: '2020-03-01',
      due_time: '10:00',
      duration: '00:30',
      busy: false,
      done: true,
      marked_as_done_time: '2026-03-02T09:00:00Z',
      location: null,
      participants: [
        { person_id: 2, primary: false },
        { person_id: 1, primary: true },
      ],
      public_description: null,
      priority: null,
      note: null,
    });
  });

  it('rejects person_id on create, as API v2 does (it is read-only)', async () => {
    const err = await rejection(
      t.pd.activities.addActivity({ AddActivityRequest: { subject: 'Call', person_id: 1 } }),
    );
    expect(err).toMatchObject({
      success: false,
      code: 'ERR_SCHEMA_VALIDATION_FAILED',
      error: 'Validation failed: person_id: is read-only in API v2; link persons through participants',
    });
  });

  it('rejects unknown types, malformed dates and times, and missing participants', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'coffee' }, 'type: activity type "coffee" does not exist'],
      [{ due_date: '01.03.2020' }, 'due_date: must be a date as YYYY-MM-DD'],
      [{ due_time: '10:00:00' }, 'due_time: must be a time as HH:MM'],
      [{ done: 'true' }, 'done: Invalid input: expected boolean, received string'],
      [{ participants: [{ person_id: 99 }] }, 'participants: person 99 not found'],
    ];
    for (const [body, message] of cases) {
      const err = await rejection(t.pd.activities.addActivity({ AddActivityRequest: body as never }));
      expect(err.error).toBe(`Validation failed: ${message}`);
    }
  });

  it('lists by participant and done flag, patches, and soft-deletes', async () => {
    await t.pd.activities.addActivity({
      AddActivityRequest: { subject: 'Call Bo', participants: [{ person_id: 2 }] },
    });
    const forBo = await t.pd.activities.getActivities({ person_id: 2 });
    expect(forBo.data!.map((a) => a.id)).toEqual([1, 2]);
    const open = await t.pd.activities.getActivities({ done: false });
    expect(open.data!.map((a) => [a.id, a.type, a.subject])).toEqual([[2, 'call', 'Call Bo']]);
    t.sandbox.clock.advance(1000);
    const done = await t.pd.activities.updateActivity({ id: 2, AddActivityRequest: { done: true } });
    expect(done.data).toMatchObject({ done: true, marked_as_done_time: '2026-03-02T09:00:01Z' });
    await t.pd.activities.deleteActivity({ id: 2 });
    expect((await t.pd.activities.getActivities({})).data!.map((a) => a.id)).toEqual([1]);
    expect((await t.pd.activities.getActivity({ id: 2 })).data!.is_deleted).toBe(true);
  });

  it('lists the activity types', async () => {
    const types = await t.pd.activityTypes.getActivityTypes();
    expect(types.data!.map((x) => x.key_string)).toEqual([
      'call',
      'meeting',
      'task',
      'deadline',
      'email',
      'lunch',
    ]);
  });
});
