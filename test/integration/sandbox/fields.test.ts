import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, sdkClients, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox person and organization fields, through the official SDK', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  it('lists the standard fields before any custom one, marked as not custom', async () => {
    const res = await t.pd.personFields.getPersonFields({});
    const codes = res.data!.map((f) => f.field_code);
    expect(codes.slice(0, 8)).toEqual([
      'id',
      'name',
      'first_name',
      'last_name',
      'owner_id',
      'org_id',
      'emails',
      'phones',
    ]);
    expect(res.data!.every((f) => f.is_custom_field === false)).toBe(true);
    expect(res.data!.find((f) => f.field_code === 'owner_id')).toEqual({
      field_name: 'Owner',
      field_code: 'owner_id',
      field_type: 'user',
      options: null,
      subfields: null,
      is_custom_field: false,
      is_optional_response_field: false,
    });
  });

  it('creates a custom field with a 40-hex code that differs per company', async () => {
    const a = await t.pd.personFields.addPersonField({
      AddPersonFieldRequest: { field_name: 'Actimo ID', field_type: 'varchar' },
    });
    expect(a.data).toMatchObject({
      field_name: 'Actimo ID',
      field_type: 'varchar',
      is_custom_field: true,
      options: null,
    });
    expect(a.data!.field_code).toMatch(/^[0-9a-f]{40}$/);
    const other = t.sandbox.addCompany({ name: 'Other Co' });
    const pd2 = sdkClients(t.url, { apiKey: other.apiToken });
    const b = await pd2.personFields.addPersonField({
      AddPersonFieldRequest: { field_name: 'Actimo ID', field_type: 'varchar' },
    });
    expect(b.data!.field_code).toMatch(/^[0-9a-f]{40}$/);
    expect(b.data!.field_code).not.toBe(a.data!.field_code);
    expect(
      (await t.pd.personFields.getPersonField({ field_code: a.data!.field_code })).data!.field_name,
    ).toBe('Actimo ID');
  });

  it('creates enum fields with options, then adds, renames and deletes options', async () => {
    const f = await t.pd.personFields.addPersonField({
      AddPersonFieldRequest: {
        field_name: 'Department',
        field_type: 'enum',
        options: [{ label: 'HR' }, { label: 'Sales' }],
      },
    });
    const code = f.data!.field_code;
    expect(f.data!.options!.map((o) => o.label)).toEqual(['HR', 'Sales']);
    const [hr, sales] = f.data!.options!.map((o) => o.id as number);
    const added = await t.pd.personFields.addPersonFieldOptions({
      field_code: code,
      AddDealFieldOptionsRequestInner: [{ label: 'IT' }],
    });
    expect(added.data!.map((o) => o.label)).toEqual(['IT']);
    await t.pd.personFields.updatePersonFieldOptions({
      field_code: code,
      UpdateDealFieldOptionsRequestInner: [{ id: sales!, label: 'Sales & Marketing' }],
    });
    const p = await t.pd.persons.addPerson({
      AddPersonRequest: { name: 'Ann', custom_fields: { [code]: hr } },
    });
    expect(p.data!.custom_fields![code]).toBe(hr);
    await t.pd.personFields.deletePersonFieldOptions({
      field_code: code,
      DeleteDealFieldOptionsRequestInner: [{ id: hr! }],
    });
    const after = await t.pd.personFields.getPersonField({ field_code: code });
    expect(after.data!.options!.map((o) => o.label)).toEqual(['Sales & Marketing', 'IT']);
    expect((await t.pd.persons.getPerson({ id: p.data!.id! })).data!.custom_fields![code]).toBeNull();
    const bad = await rejection(
      t.pd.persons.updatePerson({ id: p.data!.id!, UpdatePersonRequest: { custom_fields: { [code]: hr } } }),
    );
    expect(bad.error).toBe(`Validation failed: custom_fields.${code}: option ${hr} does not exist`);
  });

  it('rejects a set value of [] (clear with null instead)', async () => {
    const f = await t.pd.personFields.addPersonField({
      AddPersonFieldRequest: {
        field_name: 'Groups',
        field_type: 'set',
        options: [{ label: 'A' }, { label: 'B' }],
      },
    });
    const err = await rejection(
      t.pd.persons.addPerson({
        AddPersonRequest: { name: 'Cy', custom_fields: { [f.data!.field_code]: [] } },
      }),
    );
    expect(err.error).toBe(
      `Validation failed: custom_fields.${f.data!.field_code}: must not be empty (send null to clear the field)`,
    );
  });

  it('rejects enum fields without options, options on other types, and unknown types', async () => {
    const noOptions = await rejection(
      t.pd.personFields.addPersonField({ AddPersonFieldRequest: { field_name: 'X', field_type: 'enum' } }),
    );
    expect(noOptions.error).toBe('Validation failed: options: required for fields of type enum');
    const stray = await rejection(
      t.pd.personFields.addPersonField({
        AddPersonFieldRequest: { field_name: 'X', field_type: 'double', options: [{ label: 'a' }] },
      }),
    );
    expect(stray.error).toBe('Validation failed: options: only enum and set fields have options');
    const unknownType = await rejection(
      t.pd.personFields.addPersonField({
        AddPersonFieldRequest: { field_name: 'X', field_type: 'boolean' as never },
      }),
    );
    expect(unknownType.code).toBe('ERR_SCHEMA_VALIDATION_FAILED');
  });

  it('pages the field list with a cursor', async () => {
    const first = await t.pd.personFields.getPersonFields({ limit: 5 });
    expect(first.data).toHaveLength(5);
    const rest = await t.pd.personFields.getPersonFields({
      limit: 500,
      cursor: first.additional_data!.next_cursor!,
    });
    const all = await t.pd.personFields.getPersonFields({ limit: 500 });
    expect([...first.data!, ...rest.data!].map((f) => f.field_code)).toEqual(
      all.data!.map((f) => f.field_code),
    );
    expect(rest.additional_data!.next_cursor).toBeNull();
  });

  it('serves the same fields through API v1, with numeric ids and key = field_code', async () => {
    const v2 = await t.pd.personFields.getPersonFields({ limit: 500 });
    const v1 = await t.pd.v1PersonFields.getPersonFields({ limit: 500 });
    const custom = v2.data!.filter((f) => f.is_custom_field).map((f) => f.field_code);
    expect(v1.data.filter((f) => f.edit_flag).map((f) => f.key)).toEqual(custom);
    expect(v1.data.find((f) => f.key === 'email')).toMatchObject({ name: 'Email', edit_flag: false });
    const created = await t.pd.v1PersonFields.addPersonField({
      CreateFieldRequest: {
        name: 'Level',
        field_type: 'enum',
        options: [{ label: 'Junior' }, { label: 'Senior' }],
      },
    });
    expect(created.data).toMatchObject({ name: 'Level', field_type: 'enum', edit_flag: true });
    expect(created.data.key).toMatch(/^[0-9a-f]{40}$/);
    const junior = (created.data.options as { id: number; label: string }[])[0]!;
    const updated = await t.pd.v1PersonFields.updatePersonField({
      id: created.data.id!,
      UpdateFieldRequest: { name: 'Seniority', options: [junior, { label: 'Lead' }] },
    });
    expect((updated.data.options as { label: string }[]).map((o) => o.label)).toEqual(['Junior', 'Lead']);
    const deleted = await t.pd.v1PersonFields.deletePersonFields({ ids: String(created.data.id) });
    expect(deleted.data.id).toEqual([created.data.id]);
    const gone = await rejection(t.pd.personFields.getPersonField({ field_code: created.data.key! }));
    expect(gone).toMatchObject({ success: false, error: 'Field not found' });
  });

  it('caps custom fields by plan: the 31st on Lite is refused with 403', async () => {
    const lite = t.sandbox.addCompany({ name: 'Tiny Co', plan: 'lite' });
    const pd = sdkClients(t.url, { apiKey: lite.apiToken });
    t.sandbox.updateSettings({ limits: { burst: false } });
    for (let i = 1; i <= 30; i++) {
      await pd.organizationFields.addOrganizationField({
        AddOrganizationFieldRequest: { field_name: `F${i}`, field_type: 'text' },
      });
    }
    const err = await rejection(
      pd.personFields.addPersonField({ AddPersonFieldRequest: { field_name: 'F31', field_type: 'text' } }),
    );
    expect(err).toMatchObject({
      success: false,
      errorCode: 403,
      code: 'feature_capping_custom_fields_limit',
      error: "Couldn't add the field. Custom fields limit reached.",
    });
    t.sandbox.updateSettings({ limits: { burst: true } });
  });
});
