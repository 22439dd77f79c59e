// Organizations as API v2 has them (SDK AddOrganizationRequest / UpdateOrganizationRequest / OrganizationItem).
import { z } from 'zod';
import { rfc3339 } from '../clock.ts';
import type { Company } from '../state/company.ts';
import type { OrganizationRecord } from '../state/types.ts';
import { applyCustomFields, presentCustomFields, requireOwner } from './common.ts';
import { assignDefined, emitChange, liveOr404, snapshot, softDelete, type WriteContext } from './context.ts';
import type { PresentOptions } from './persons.ts';
import {
  address,
  customFields,
  id,
  parseRfc3339,
  parseV2,
  rfc3339 as rfc3339Schema,
  visibleTo,
} from './schemas.ts';

const updateShape = {
  name: z.string().trim().min(1).max(255).optional(),
  owner_id: id.optional(),
  visible_to: visibleTo.optional(),
  label_ids: z.array(id).optional(),
  address: address.nullable().optional(),
  website: z.string().max(255).nullable().optional(),
  linkedin: z.string().max(255).nullable().optional(),
  industry: z.number().int().nullable().optional(),
  annual_revenue: z.number().nullable().optional(),
  employee_count: z.number().int().min(0).nullable().optional(),
  custom_fields: customFields.optional(),
};

export const addOrganizationSchema = z.strictObject({
  ...updateShape,
  name: z.string().trim().min(1).max(255),
  add_time: rfc3339Schema.optional(),
});
export const updateOrganizationSchema = z.strictObject(updateShape);

export function createOrganization(ctx: WriteContext, body: unknown): OrganizationRecord {
  const input = parseV2(addOrganizationSchema, body);
  const { company, now } = ctx;
  const record: OrganizationRecord = {
    id: company.organizations.nextId(),
    name: input.name,
    owner_id: requireOwner(company, input.owner_id ?? ctx.userId),
    visible_to: input.visible_to ?? 3,
    label_ids: input.label_ids ?? [],
    address: input.address ?? null,
    website: input.website ?? null,
    linkedin: input.linkedin ?? null,
    industry: input.industry ?? null,
    annual_revenue: input.annual_revenue ?? null,
    employee_count: input.employee_count ?? null,
    custom_fields: {},
    add_time: input.add_time ? parseRfc3339(input.add_time)! : now,
    update_time: now,
    deleted_at: null,
  };
  if (input.custom_fields)
    applyCustomFields(company, 'organization', record.custom_fields, input.custom_fields);
  company.organizations.insert(record);
  emitChange(ctx, 'organization', 'create', record.id, null, record);
  return record;
}

export function updateOrganization(ctx: WriteContext, orgId: number, body: unknown): OrganizationRecord {
  const input = parseV2(updateOrganizationSchema, body);
  const record = liveOrganization(ctx.company, orgId);
  const before = snapshot(record);
  const next = snapshot(record);
  if (input.name !== undefined) next.name = input.name;
  if (input.owner_id !== undefined) next.owner_id = requireOwner(ctx.company, input.owner_id);
  if (input.visible_to !== undefined) next.visible_to = input.visible_to;
  if (input.label_ids !== undefined) next.label_ids = input.label_ids;
  assignDefined(next, input, [
    'address',
    'website',
    'linkedin',
    'industry',
    'annual_revenue',
    'employee_count',
  ]);
  if (input.custom_fields)
    applyCustomFields(ctx.company, 'organization', next.custom_fields, input.custom_fields);
  next.update_time = ctx.now;
  Object.assign(record, next);
  emitChange(ctx, 'organization', 'change', record.id, before, record);
  return record;
}

/** Deleting an organization unlinks its persons, as Pipedrive does. */
export function deleteOrganization(ctx: WriteContext, orgId: number): void {
  const record = liveOrganization(ctx.company, orgId);
  for (const p of ctx.company.persons.live()) {
    if (p.org_id === orgId) {
      const pBefore = snapshot(p);
      p.org_id = null;
      p.update_time = ctx.now;
      emitChange(ctx, 'person', 'change', p.id, pBefore, p);
    }
  }
  softDelete(ctx, 'organization', ctx.company.organizations, record);
}

export function liveOrganization(company: Company, orgId: number): OrganizationRecord {
  return liveOr404(company.organizations, orgId, 'Organization not found');
}

/** The API v2 Organization object. */
export function presentOrganization(
  company: Company,
  o: OrganizationRecord,
  opts: PresentOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: o.id,
    name: o.name,
    owner_id: o.owner_id,
    add_time: rfc3339(o.add_time),
    update_time: rfc3339(o.update_time),
    is_deleted: o.deleted_at !== null,
    visible_to: o.visible_to,
    label_ids: o.label_ids,
    address: o.address,
    website: o.website,
    linkedin: o.linkedin,
    industry: o.industry,
    annual_revenue: o.annual_revenue,
    employee_count: o.employee_count,
    custom_fields: presentCustomFields(company, 'organization', o.custom_fields, opts.customFields),
  };
  if (opts.includeFields?.includes('people_count')) {
    let n = 0;
    for (const p of company.persons.live()) if (p.org_id === o.id) n += 1;
    out.people_count = n;
  }
  return out;
}
