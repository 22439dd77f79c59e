import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox API v2 persons, through the official SDK', () => {
  let t: TestSandbox;
  let actimoId: string;
  let score: string;

  beforeAll(async () => {
    t = await startTestSandbox();
    actimoId = (
      await t.pd.personFields.addPersonField({
        AddPersonFieldRequest: { field_name: 'Actimo ID', field_type: 'varchar' },
      })
    ).data!.field_code;
    score = (
      await t.pd.personFields.addPersonField({
        AddPersonFieldRequest: { field_name: 'Engagement', field_type: 'double' },
      })
    ).data!.field_code;
  });
  afterAll(() => t.close());

  it('creates a person with its original add_time, owner, organization, emails, phones and custom fields', async () => {
    const org = await t.pd.organizations.addOrganization({ AddOrganizationRequest: { name: 'Acme' } });
    const res = await t.pd.persons.addPerson({
      AddPersonRequest: {
        name: 'Jane van Doe',
        owner_id: t.adminId,
        org_id: org.data!.id!,
        add_time: '2020-01-15T09:30:00Z',
        emails: [
          { value: 'jane@acme.io', label: 'home' },
          { value: 'j.doe@acme.io', primary: true },
        ],
        phones: [{ value: '+372 5555 0101' }],
        custom_fields: { [actimoId]: 'A-1001', [score]: 87.5 },
      },
    });
    expect(res).toEqual({
      success: true,
      data: {
        id: 1,
        name: 'Jane van Doe',
        first_name: 'Jane',
        last_name: 'van Doe',
        add_time: '2020-01-15T09:30:00Z',
        update_time: '2026-03-02T09:00:00Z',
        visible_to: 3,
        custom_fields: { [actimoId]: 'A-1001', [score]: 87.5 },
        owner_id: t.adminId,
        label_ids: [],
        org_id: org.data!.id,
        is_deleted: false,
        picture_id: null,
        phones: [{ value: '+372 5555 0101', primary: true, label: 'work' }],
        emails: [
          { value: 'jane@acme.io', primary: false, label: 'home' },
          { value: 'j.doe@acme.io', primary: true, label: 'work' },
        ],
      },
    });
    expect((await t.pd.persons.getPerson({ id: 1 })).data).toEqual(res.data);
  });

  it('updates with PATCH, leaving what was not sent, and clears a custom field with null', async () => {
    t.sandbox.clock.advance(60_000);
    const res = await t.pd.persons.updatePerson({
      id: 1,
      UpdatePersonRequest: { name: 'Jane Smith', custom_fields: { [score]: null } },
    });
    expect(res.data).toMatchObject({
      id: 1,
      name: 'Jane Smith',
      first_name: 'Jane',
      last_name: 'Smith',
      add_time: '2020-01-15T09:30:00Z',
      update_time: '2026-03-02T09:01:00Z',
      custom_fields: { [actimoId]: 'A-1001', [score]: null },
    });
    expect(res.data!.emails).toHaveLength(2);
  });

  it('returns only the asked custom fields with ?custom_fields=', async () => {
    const res = await t.pd.persons.getPerson({ id: 1, custom_fields: actimoId });
    expect(res.data!.custom_fields).toEqual({ [actimoId]: 'A-1001' });
  });

  it('pages with a cursor up to the limit and ends with next_cursor null', async () => {
    for (let i = 2; i <= 7; i++) await t.pd.persons.addPerson({ AddPersonRequest: { name: `Person ${i}` } });
    const seen: number[] = [];
    const cursors: (string | null | undefined)[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.pd.persons.getPersons({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data!.map((p) => p.id!));
      cursor = page.additional_data?.next_cursor ?? undefined;
      cursors.push(page.additional_data?.next_cursor);
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(cursors.map((c) => typeof c)).toEqual(['string', 'string', 'object']);
    expect(cursors[2]).toBeNull();
  });

  it('sorts by update_time descending and filters by updated_since (inclusive)', async () => {
    t.sandbox.clock.advance(3_600_000);
    await t.pd.persons.updatePerson({ id: 4, UpdatePersonRequest: { name: 'Person four' } });
    const since = await t.pd.persons.getPersons({ updated_since: '2026-03-02T10:01:00Z' });
    expect(since.data!.map((p) => p.id)).toEqual([4]);
    const sorted = await t.pd.persons.getPersons({
      sort_by: 'update_time',
      sort_direction: 'desc',
      limit: 2,
    });
    expect(sorted.data!.map((p) => p.id)).toEqual([4, 7]);
  });

  it('rejects updated_since with fractional seconds, as Pipedrive does', async () => {
    const err = await rejection(t.pd.persons.getPersons({ updated_since: '2026-03-02T10:01:00.000Z' }));
    expect(err).toMatchObject({ success: false, code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    expect(err.error).toBe(
      'Validation failed: updated_since: not a valid datetime (RFC 3339 without fractional seconds)',
    );
  });

  it('refuses a limit above 500', async () => {
    const res = await t.raw('/api/v2/persons?limit=501');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed: limit: must be between 1 and 500' });
  });

  it('finds a person by exact custom field value and by e-mail, case-insensitively', async () => {
    const byId = await t.pd.persons.searchPersons({
      term: 'a-1001',
      fields: 'custom_fields',
      exact_match: true,
    });
    expect(byId.data!.items).toEqual([
      {
        result_score: 1,
        item: {
          id: 1,
          type: 'person',
          name: 'Jane Smith',
          phones: ['+372 5555 0101'],
          emails: ['jane@acme.io', 'j.doe@acme.io'],
          visible_to: 3,
          owner: { id: t.adminId },
          organization: { id: 1, name: 'Acme' },
          custom_fields: ['A-1001'],
          notes: [],
        },
      },
    ]);
    const byEmail = await t.pd.persons.searchPersons({
      term: 'JANE@ACME.IO',
      fields: 'email',
      exact_match: true,
    });
    expect(byEmail.data!.items!.map((i) => i.item!.id)).toEqual([1]);
    const partial = await t.pd.persons.searchPersons({
      term: 'A-10',
      fields: 'custom_fields',
      exact_match: true,
    });
    expect(partial.data!.items).toEqual([]);
    const fuzzy = await t.pd.persons.searchPersons({ term: 'erson', fields: 'name' });
    expect(fuzzy.data!.items!.map((i) => i.item!.id)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('needs a search term of 2 characters, or 1 with exact_match', async () => {
    const err = await rejection(t.pd.persons.searchPersons({ term: 'a' }));
    expect(err.error).toBe('Validation failed: term: must be at least 2 characters long');
    const one = await t.pd.persons.searchPersons({ term: '7', fields: 'name', exact_match: true });
    expect(one.data!.items).toEqual([]);
  });

  it('rejects wrong types, unknown custom field codes and malformed dates with a 400 envelope', async () => {
    const wrongType = await rejection(
      t.pd.persons.addPerson({ AddPersonRequest: { name: 'X', owner_id: '12' as unknown as number } }),
    );
    expect(wrongType).toEqual({
      success: false,
      error: 'Validation failed: owner_id: Invalid input: expected number, received string',
      code: 'ERR_SCHEMA_VALIDATION_FAILED',
      error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
      data: null,
      additional_data: null,
    });
    const unknownField = await rejection(
      t.pd.persons.addPerson({ AddPersonRequest: { name: 'X', custom_fields: { ['f'.repeat(40)]: 'x' } } }),
    );
    expect(unknownField.error).toBe(
      `Validation failed: custom_fields.${'f'.repeat(40)}: unknown custom field`,
    );
    const badDate = await rejection(
      t.pd.persons.addPerson({ AddPersonRequest: { name: 'X', add_time: '15.01.2020' } }),
    );
    expect(badDate.error).toBe(
      'Validation failed: add_time: must be an RFC 3339 date-time such as 2024-01-15T09:30:00Z',
    );
    const badValue = await rejection(
      t.pd.persons.addPerson({ AddPersonRequest: { name: 'X', custom_fields: { [score]: 'high' } } }),
    );
    expect(badValue.error).toBe(`Validation failed: custom_fields.${score}: must be a number`);
    const noName = await rejection(
      t.pd.persons.addPerson({ AddPersonRequest: { emails: [{ value: 'a@b.c' }] } }),
    );
    expect(noName.error).toBe('Validation failed: name: name or first_name/last_name is required');
    const unknownOwner = await rejection(
      t.pd.persons.addPerson({ AddPersonRequest: { name: 'X', owner_id: 42 } }),
    );
    expect(unknownOwner.error).toBe('Validation failed: owner_id: user 42 not found');
    const res = await t.raw('/api/v2/persons', {
      method: 'POST',
      body: JSON.stringify({ name: 'X', nickname: 'Y' }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed: body: Unrecognized key: "nickname"' });
    expect(t.sandbox.state(t.companyId).persons.records).toHaveLength(7);
  });

  it('answers 401 without credentials and with a wrong token', async () => {
    const none = await t.raw('/api/v2/persons', { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      success: false,
      error: 'unauthorized access',
      errorCode: 401,
      error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
      data: null,
      additional_data: null,
    });
    expect((await t.raw('/api/v2/persons', { token: 'nope' })).status).toBe(401);
    expect((await t.raw(`/api/v2/persons?api_token=${t.apiToken}`, { token: null })).status).toBe(200);
  });

  it('soft-deletes: still readable by id, gone from lists and search, purged after 30 days', async () => {
    const del = await t.pd.persons.deletePerson({ id: 1 });
    expect(del).toEqual({ success: true, data: { id: 1 } });
    expect((await t.pd.persons.getPerson({ id: 1 })).data!.is_deleted).toBe(true);
    expect((await t.pd.persons.getPersons({ ids: '1,2' })).data!.map((p) => p.id)).toEqual([2]);
    const search = await t.pd.persons.searchPersons({
      term: 'A-1001',
      fields: 'custom_fields',
      exact_match: true,
    });
    expect(search.data!.items).toEqual([]);
    expect(
      await rejection(t.pd.persons.updatePerson({ id: 1, UpdatePersonRequest: { name: 'Z' } })),
    ).toMatchObject({
      error: 'Person not found',
    });
    t.sandbox.clock.advance(30 * 24 * 3600 * 1000 + 1000);
    await t.pd.persons.getPersons({ limit: 1 });
    const gone = await t.raw('/api/v2/persons/1');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, error: 'Person not found' });
  });

  it('answers a non-numeric id with a 400', async () => {
    const res = await t.raw('/api/v2/persons/abc');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed: id: must be a positive integer' });
  });
});
