// /api/v2/personFields and /api/v2/organizationFields: standard fields first, then custom ones; custom
// fields are created with a random 40-hex field_code, different in every company.
import { Router } from 'express';
import { z } from 'zod';
import {
  addField,
  addOptions,
  customField,
  deleteField,
  deleteOptions,
  presentFieldV2,
  updateOptions,
} from '../../entities/fields.ts';
import { parseQuery, parseV2 } from '../../entities/schemas.ts';
import { ok, validationFailed } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { CUSTOM_FIELD_TYPES } from '../../state/fields.ts';
import type { FieldEntity } from '../../state/types.ts';
import { mount } from '../route.ts';
import { includeFields, pagingQuery } from './list-query.ts';
import { page } from './paging.ts';

const INCLUDE = ['ui_visibility', 'important_fields', 'required_fields'];
const flags = z.record(z.string(), z.unknown());

const addSchema = z.strictObject({
  field_name: z.string().trim().min(1).max(255),
  field_type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.strictObject({ label: z.string().trim().min(1) })).optional(),
  ui_visibility: flags.optional(),
  important_fields: flags.optional(),
  required_fields: flags.optional(),
});

const updateSchema = z.strictObject({
  field_name: z.string().trim().min(1).max(255).optional(),
  ui_visibility: flags.optional(),
  important_fields: flags.optional(),
  required_fields: flags.optional(),
});

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must not be empty');

export function fieldRoutes(sandbox: Sandbox, entity: FieldEntity): Router {
  const r = Router();
  const base = entity === 'person' ? '/personFields' : '/organizationFields';
  const Name = entity === 'person' ? 'Person' : 'Organization';

  mount(sandbox, r, 'get', base, `get${Name}Fields`, (req, res, caller) => {
    const q = parseQuery(z.object({ ...pagingQuery, include_fields: z.string().optional() }), req.query);
    const include = includeFields(q.include_fields, INCLUDE);
    const list = caller.company.fields[entity].list().map((f, i) => ({ id: i + 1, f }));
    const result = page(list, q);
    ok(
      res,
      result.data.map((x) => presentFieldV2(x.f, include)),
      { next_cursor: result.nextCursor },
    );
  });

  mount(sandbox, r, 'get', `${base}/:code`, `get${Name}Field`, (req, res, caller) => {
    const q = parseQuery(z.object({ include_fields: z.string().optional() }), req.query);
    ok(
      res,
      presentFieldV2(
        customField(caller.company, entity, String(req.params.code)),
        includeFields(q.include_fields, INCLUDE),
      ),
    );
  });

  mount(sandbox, r, 'post', base, `add${Name}Field`, (req, res, caller) => {
    const input = parseV2(addSchema, req.body);
    const field = addField(
      caller.company,
      entity,
      { ...input, name: input.field_name, options: input.options?.map((o) => o.label) },
      caller.userId,
      sandbox.clock.now(),
    );
    sandbox.changed();
    ok(res, presentFieldV2(field, INCLUDE));
  });

  mount(sandbox, r, 'patch', `${base}/:code`, `update${Name}Field`, (req, res, caller) => {
    const input = parseV2(updateSchema, req.body);
    const field = customField(caller.company, entity, String(req.params.code));
    if (!field.is_custom)
      throw validationFailed(`field_code: ${field.code} is a system field and cannot be changed`);
    if (input.field_name !== undefined) field.name = input.field_name;
    if (input.ui_visibility) field.ui_visibility = { ...field.ui_visibility, ...input.ui_visibility };
    if (input.important_fields) field.important_fields = input.important_fields;
    if (input.required_fields) field.required_fields = input.required_fields;
    field.update_time = sandbox.clock.now();
    sandbox.changed();
    ok(res, presentFieldV2(field, INCLUDE));
  });

  mount(sandbox, r, 'delete', `${base}/:code`, `delete${Name}Field`, (req, res, caller) => {
    const field = deleteField(caller.company, entity, String(req.params.code));
    sandbox.changed();
    ok(res, presentFieldV2(field));
  });

  const optionsPath = `${base}/:code/options`;
  mount(sandbox, r, 'post', optionsPath, `add${Name}FieldOptions`, (req, res, caller) => {
    const input = parseV2(nonEmpty(z.strictObject({ label: z.string().trim().min(1) })), req.body);
    const added = addOptions(
      caller.company,
      entity,
      String(req.params.code),
      input.map((o) => o.label),
      sandbox.clock.now(),
    );
    sandbox.changed();
    ok(
      res,
      added.map((o) => ({ id: o.id, label: o.label })),
      null,
    );
  });

  mount(sandbox, r, 'patch', optionsPath, `update${Name}FieldOptions`, (req, res, caller) => {
    const input = parseV2(
      nonEmpty(z.strictObject({ id: z.number().int().positive(), label: z.string().trim().min(1) })),
      req.body,
    );
    const changed = updateOptions(
      caller.company,
      entity,
      String(req.params.code),
      input,
      sandbox.clock.now(),
    );
    sandbox.changed();
    ok(
      res,
      changed.map((o) => ({ id: o.id, label: o.label })),
      null,
    );
  });

  mount(sandbox, r, 'delete', optionsPath, `delete${Name}FieldOptions`, (req, res, caller) => {
    const input = parseV2(nonEmpty(z.strictObject({ id: z.number().int().positive() })), req.body);
    const removed = deleteOptions(
      caller.company,
      entity,
      String(req.params.code),
      input.map((o) => o.id),
      sandbox.clock.now(),
    );
    sandbox.changed();
    ok(
      res,
      removed.map((o) => ({ id: o.id, label: o.label })),
      null,
    );
  });

  return r;
}
