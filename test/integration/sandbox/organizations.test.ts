import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox API v2 organizations, through the official SDK', () => {
  let t: TestSandbox;
  let region: string;

  beforeAll(async () => {
    t = await startTestSandbox();
    region = (
      await t.pd.organizationFields.addOrganizationField({
        AddOrganizationFieldRequest: { field_name: 'Region', field_type: 'varchar' },
      })
    ).data!.field_code;
  });
  afterAll(() => t.close());

  it('creates an organization with add_time, address and custom fields, and reads it back', async () => {
    const res = await t.pd.organizations.addOrganization({
      AddOrganizationRequest: {
        name: 'Northwind',
        add_time: '2019-06-01T08:00:00+02:00',
        address: { value: 'Tartu mnt 1, Tallinn', locality: 'Tallinn', country: 'Estonia' },
        employee_count: 120,
        custom_fields: { [region]: 'Baltics' },
      },
    });
    expect(res.data).toEqual({
      id: 1,
      name: 'Northwind',
      owner_id: t.adminId,
      add_time: '2019-06-01T06:00:00Z',
      update_time: '2026-03-02T09:00:00Z',
      is_deleted: false,
      visible_to: 3,
      label_ids: [],
      address: { value: 'Tartu mnt 1, Tallinn', locality: 'Tallinn', country: 'Estonia' },
      website: null,
      linkedin: null,
      industry: null,
      annual_revenue: null,
      employee_count: 120,
      custom_fields: { [region]: 'Baltics' },
    });
    expect((await t.pd.organizations.getOrganization({ id: 1 })).data).toEqual(res.data);
  });

  it('lists organization fields in API v2 and v1, standard ones first', async () => {
    const v2 = await t.pd.organizationFields.getOrganizationFields({ limit: 500 });
    expect(v2.data!.map((f) => f.field_code).slice(0, 4)).toEqual(['id', 'name', 'owner_id', 'address']);
    expect(v2.data!.filter((f) => f.is_custom_field).map((f) => [f.field_code, f.field_name])).toEqual([
      [region, 'Region'],
    ]);
    const v1 = await t.pd.v1OrganizationFields.getOrganizationFields({});
    expect(v1.data.filter((f) => f.edit_flag).map((f) => f.key)).toEqual([region]);
    const added = await t.pd.v1OrganizationFields.addOrganizationField({
      CreateFieldRequest: { name: 'Tier', field_type: 'varchar' },
    });
    await t.pd.v1OrganizationFields.deleteOrganizationField({ id: added.data.id! });
    expect(
      (await rejection(t.pd.v1OrganizationFields.getOrganizationField({ id: added.data.id! }))).error,
    ).toBe('Field not found');
  });

  it('requires a name', async () => {
    const err = await rejection(
      t.pd.organizations.addOrganization({ AddOrganizationRequest: { employee_count: 3 } as never }),
    );
    expect(err.error).toBe('Validation failed: name: Invalid input: expected string, received undefined');
  });

  it('patches, lists with a cursor and searches by name and address', async () => {
    await t.pd.organizations.addOrganization({
      AddOrganizationRequest: { name: 'Contoso', address: { value: 'Riga' } },
    });
    await t.pd.organizations.updateOrganization({
      id: 1,
      UpdateOrganizationRequest: { website: 'https://northwind.example' },
    });
    const first = await t.pd.organizations.getOrganizations({ limit: 1 });
    expect(first.data!.map((o) => o.id)).toEqual([1]);
    const second = await t.pd.organizations.getOrganizations({
      limit: 1,
      cursor: first.additional_data!.next_cursor!,
    });
    expect(second.data!.map((o) => o.name)).toEqual(['Contoso']);
    expect(second.additional_data!.next_cursor).toBeNull();
    const byAddress = await t.pd.organizations.searchOrganization({ term: 'riga', fields: 'address' });
    expect(byAddress.data!.items).toEqual([
      {
        result_score: 1,
        item: {
          id: 2,
          type: 'organization',
          name: 'Contoso',
          address: 'Riga',
          visible_to: 3,
          owner: { id: t.adminId },
          custom_fields: [],
          notes: [],
        },
      },
    ]);
  });

  it('deleting an organization unlinks its persons', async () => {
    const p = await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Ann', org_id: 2 } });
    await t.pd.organizations.deleteOrganization({ id: 2 });
    expect((await t.pd.persons.getPerson({ id: p.data!.id! })).data!.org_id).toBeNull();
    const err = await rejection(t.pd.persons.addPerson({ AddPersonRequest: { name: 'Bo', org_id: 2 } }));
    expect(err.error).toBe('Validation failed: org_id: organization 2 not found');
  });
});
