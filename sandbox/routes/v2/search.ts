// GET /api/v2/persons/search and /api/v2/organizations/search (research §2.2). The term needs 2
// characters (1 with exact_match); exact matching is whole-value and case-insensitive, otherwise any
// substring matches. Searchable custom fields: address, varchar, text, varchar_auto, double, monetary,
// phone. Deleted records are never found, and with `searchIndexLagMs` set, neither are records written
// more recently than that (Pipedrive's search index trails its writes).
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Caller } from '../../auth.ts';
import { parseQuery, queryBool, queryInt } from '../../entities/schemas.ts';
import { ok, validationFailed } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import type { Company } from '../../state/company.ts';
import { searchableText } from '../../state/custom-values.ts';
import type { OrganizationRecord, PersonRecord } from '../../state/types.ts';
import { pagingQuery } from './list-query.ts';
import { page } from './paging.ts';

const FIELDS = {
  person: ['custom_fields', 'email', 'notes', 'phone', 'name'],
  organization: ['address', 'custom_fields', 'notes', 'name'],
} as const;

const searchSchema = z.object({
  ...pagingQuery,
  term: z.string({ error: 'is required' }),
  fields: z.string().optional(),
  exact_match: queryBool.optional(),
  organization_id: queryInt().optional(),
  include_fields: z.string().optional(),
});

type Entity = keyof typeof FIELDS;

interface Hit {
  id: number;
  score: number;
  customFields: string[];
  notes: string[];
}

function matchScore(text: string, term: string, exact: boolean): number {
  const t = text.toLowerCase();
  if (t === term) return 1;
  if (exact) return 0;
  if (t.startsWith(term)) return 0.75;
  return t.includes(term) ? 0.5 : 0;
}

/** The text of live notes by the person or organization they belong to (one pass per search). */
function noteTexts(company: Company, entity: Entity): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const n of company.notes.live()) {
    const owner = entity === 'person' ? n.person_id : n.org_id;
    if (owner === null) continue;
    const text = n.content.replace(/<[^>]*>/g, '');
    const list = out.get(owner);
    if (list) list.push(text);
    else out.set(owner, [text]);
  }
  return out;
}

function hitFor(
  company: Company,
  entity: Entity,
  record: PersonRecord | OrganizationRecord,
  fields: readonly string[],
  term: string,
  exact: boolean,
  notesOf: Map<number, string[]> | undefined,
): Hit | undefined {
  let score = 0;
  const customFields: string[] = [];
  const notes: string[] = [];
  const consider = (text: string | null | undefined) => {
    const s = text ? matchScore(text, term, exact) : 0;
    score = Math.max(score, s);
    return s > 0;
  };
  if (fields.includes('name')) consider(record.name);
  if (entity === 'person') {
    const p = record as PersonRecord;
    if (fields.includes('email')) for (const e of p.emails) consider(e.value);
    if (fields.includes('phone')) for (const ph of p.phones) consider(ph.value);
  } else if (fields.includes('address')) consider((record as OrganizationRecord).address?.value);
  if (fields.includes('custom_fields')) {
    for (const f of company.fields[entity].custom()) {
      const text = searchableText(f, record.custom_fields[f.code]);
      if (text !== null && consider(text)) customFields.push(text);
    }
  }
  for (const n of notesOf?.get(record.id) ?? []) if (consider(n)) notes.push(n);
  return score > 0 ? { id: record.id, score, customFields, notes } : undefined;
}

export function searchRoute(sandbox: Sandbox, entity: Entity) {
  return (req: Request, res: Response, caller: Caller): void => {
    const q = parseQuery(searchSchema, req.query);
    const exact = q.exact_match ?? false;
    const term = q.term.trim().toLowerCase();
    if (term.length < (exact ? 1 : 2))
      throw validationFailed(`term: must be at least ${exact ? 1 : 2} characters long`);
    const fields = q.fields ? q.fields.split(',').map((s) => s.trim()) : [...FIELDS[entity]];
    for (const f of fields) {
      if (!(FIELDS[entity] as readonly string[]).includes(f))
        throw validationFailed(`fields: unknown field ${f}`);
    }
    const company = caller.company;
    const visibleBefore = sandbox.clock.now() - sandbox.settings.searchIndexLagMs;
    const store = entity === 'person' ? company.persons : company.organizations;
    const notesOf = fields.includes('notes') ? noteTexts(company, entity) : undefined;
    const hits: Hit[] = [];
    for (const record of store.live()) {
      if (record.update_time > visibleBefore) continue;
      if (
        entity === 'person' &&
        q.organization_id !== undefined &&
        (record as PersonRecord).org_id !== q.organization_id
      )
        continue;
      const hit = hitFor(company, entity, record, fields, term, exact, notesOf);
      if (hit) hits.push(hit);
    }
    // Best first; the cursor key is the negated score so that "ascending" walks from best to worst.
    const result = page(hits, q, (h) => -h.score);
    const items = result.data.map((h) => ({ result_score: h.score, item: present(company, entity, h) }));
    ok(res, { items }, { next_cursor: result.nextCursor });
  };
}

function present(company: Company, entity: Entity, hit: Hit): Record<string, unknown> {
  if (entity === 'person') {
    const p = company.persons.get(hit.id)!;
    const org = p.org_id === null ? undefined : company.organizations.get(p.org_id);
    return {
      id: p.id,
      type: 'person',
      name: p.name,
      phones: p.phones.map((x) => x.value),
      emails: p.emails.map((x) => x.value),
      visible_to: p.visible_to,
      owner: { id: p.owner_id },
      organization: org ? { id: org.id, name: org.name } : null,
      custom_fields: hit.customFields,
      notes: hit.notes,
    };
  }
  const o = company.organizations.get(hit.id)!;
  return {
    id: o.id,
    type: 'organization',
    name: o.name,
    address: o.address?.value ?? null,
    visible_to: o.visible_to,
    owner: { id: o.owner_id },
    custom_fields: hit.customFields,
    notes: hit.notes,
  };
}
