// /v1/personFields and /v1/organizationFields: the same fields as API v2, with numeric ids and `key`.
import { Router } from 'express';
import { addField, deleteField, presentFieldV1, stripOptionValues } from '../../entities/fields.ts';
import { v1Body, v1Flag, v1Page, v1String } from '../../entities/v1-input.ts';
import { badRequest, notFound, ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import type { Company } from '../../state/company.ts';
import { V1_FIELD_TYPES } from '../../state/fields.ts';
import type { FieldEntity, FieldRecord } from '../../state/types.ts';
import { mount, v1Id } from '../route.ts';

function optionLabels(raw: unknown): { id?: number; label: string }[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      throw badRequest('options must be a JSON array');
    }
  }
  if (!Array.isArray(list)) throw badRequest('options must be an array');
  return list.map((o: unknown) => {
    if (typeof o === 'string' && o.trim()) return { label: o.trim() };
    if (typeof o === 'object' && o !== null && typeof (o as { label?: unknown }).label === 'string') {
      const { id, label } = o as { id?: unknown; label: string };
      if (!label.trim()) throw badRequest('option labels must not be empty');
      return typeof id === 'number' ? { id, label: label.trim() } : { label: label.trim() };
    }
    throw badRequest('each option must be {label}');
  });
}

function byId(company: Company, entity: FieldEntity, id: number): FieldRecord {
  const f = company.fields[entity].byId(id);
  if (!f) throw notFound('Field not found');
  return f;
}

export function v1FieldRoutes(sandbox: Sandbox, entity: FieldEntity): Router {
  const r = Router();
  const base = entity === 'person' ? '/personFields' : '/organizationFields';
  const Name = entity === 'person' ? 'Person' : 'Organization';

  mount(sandbox, r, 'get', base, `v1Get${Name}Fields`, (req, res, caller) => {
    const { page, pagination } = v1Page(
      [...caller.company.fields[entity].list()],
      req.query as Record<string, unknown>,
    );
    ok(res, page.map(presentFieldV1), { pagination });
  });

  mount(sandbox, r, 'get', `${base}/:id`, `v1Get${Name}Field`, (req, res, caller) => {
    ok(res, presentFieldV1(byId(caller.company, entity, v1Id(req))));
  });

  mount(sandbox, r, 'post', base, `v1Add${Name}Field`, (req, res, caller) => {
    const body = v1Body(req.body);
    const name = v1String(body.name, 'name')?.trim();
    if (!name) throw badRequest('name is required');
    const type = v1String(body.field_type, 'field_type');
    if (!type || !(V1_FIELD_TYPES as readonly string[]).includes(type))
      throw badRequest('field_type is invalid');
    const options = optionLabels(body.options)?.map((o) => o.label);
    const addVisible = v1Flag(body.add_visible_flag, 'add_visible_flag');
    const field = addField(
      caller.company,
      entity,
      {
        name,
        field_type: type,
        options,
        ...(addVisible === undefined ? {} : { ui_visibility: { add_visible_flag: addVisible } }),
      },
      caller.userId,
      sandbox.clock.now(),
    );
    sandbox.changed();
    ok(res, presentFieldV1(field));
  });

  // v1 replaces the whole option list: options with an id keep it, new ones get one, missing ones go.
  mount(sandbox, r, 'put', `${base}/:id`, `v1Update${Name}Field`, (req, res, caller) => {
    const body = v1Body(req.body);
    const field = byId(caller.company, entity, v1Id(req));
    if (!field.is_custom) throw badRequest('System fields cannot be changed');
    const name = v1String(body.name, 'name');
    const options = optionLabels(body.options);
    const now = sandbox.clock.now();
    if (options !== undefined) {
      if (!field.options) throw badRequest('Only enum and set fields have options');
      const before = field.options.map((o) => o.id);
      field.options = options.map((o) => {
        const existing = o.id === undefined ? undefined : field.options!.find((x) => x.id === o.id);
        if (o.id !== undefined && !existing) throw badRequest(`option ${o.id} does not exist`);
        return existing
          ? { ...existing, label: o.label, update_time: now }
          : { id: caller.company.nextOptionId(), label: o.label, add_time: now, update_time: now };
      });
      const kept = new Set(field.options.map((o) => o.id));
      stripOptionValues(
        caller.company,
        entity,
        field,
        before.filter((id) => !kept.has(id)),
      );
    }
    if (name?.trim()) field.name = name.trim();
    const addVisible = v1Flag(body.add_visible_flag, 'add_visible_flag');
    if (addVisible !== undefined)
      field.ui_visibility = { ...field.ui_visibility, add_visible_flag: addVisible };
    field.update_time = now;
    sandbox.changed();
    ok(res, presentFieldV1(field));
  });

  mount(sandbox, r, 'delete', `${base}/:id`, `v1Delete${Name}Field`, (req, res, caller) => {
    const field = byId(caller.company, entity, v1Id(req));
    deleteField(caller.company, entity, field.code);
    sandbox.changed();
    ok(res, { id: field.id });
  });

  mount(sandbox, r, 'delete', base, `v1Delete${Name}Fields`, (req, res, caller) => {
    const raw = typeof req.query.ids === 'string' ? req.query.ids : '';
    if (!/^\d+(,\d+)*$/.test(raw)) throw badRequest('ids must be comma-separated field ids');
    const fields = raw.split(',').map((id) => byId(caller.company, entity, Number(id)));
    if (fields.some((f) => !f.is_custom)) throw badRequest('System fields cannot be deleted');
    for (const f of fields) deleteField(caller.company, entity, f.code);
    sandbox.changed();
    ok(res, { id: fields.map((f) => f.id) });
  });

  return r;
}
