// What is already in the company's Pipedrive, read once per plan or run: existing persons and
// organizations by Actimo ID, e-mail and name (paged lists, 500 a page, never a search per row), and the
// users that owners are resolved against (one list).
import { type PipedriveClient, pages } from '../pipedrive/client.ts';

export interface ExistingIndex {
  personsByActimo: Map<string, number>;
  personsByEmail: Map<string, number>;
  orgsByActimo: Map<string, number>;
  orgsByName: Map<string, number>;
  personCount: number;
  orgCount: number;
}

interface ListedRecord {
  id: number;
  name?: string | null;
  emails?: Array<{ value?: string | null }> | null;
  custom_fields?: Record<string, unknown> | null;
}

export const normName = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
export const normEmail = (s: string): string => s.trim().toLowerCase();

export function customValue(rec: ListedRecord, code: string | undefined): string | undefined {
  if (!code) return undefined;
  const v = rec.custom_fields?.[code];
  if (v === null || v === undefined || v === '') return undefined;
  return typeof v === 'object' && v !== null && 'value' in v
    ? String((v as { value: unknown }).value)
    : String(v);
}

type ListQuery = { customFields?: string; updatedSince?: string };

/** Every page of a v2 list (cursor paging, 500 a page), with the query's optional filters. */
async function listAll<T>(
  list: (params: {
    limit: number;
    custom_fields?: string;
    updated_since?: string;
    cursor?: string;
  }) => unknown,
  q: ListQuery,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages<T>(
    (cursor) =>
      list({
        limit: 500,
        ...(q.customFields ? { custom_fields: q.customFields } : {}),
        ...(q.updatedSince ? { updated_since: q.updatedSince } : {}),
        ...(cursor ? { cursor } : {}),
      }) as never,
  ))
    out.push(...page);
  return out;
}

export function listAllPersons(client: PipedriveClient, q: ListQuery = {}): Promise<ListedRecord[]> {
  return listAll((p) => client.persons.getPersons(p), q);
}

export function listAllOrganizations(client: PipedriveClient, q: ListQuery = {}): Promise<ListedRecord[]> {
  return listAll((p) => client.organizations.getOrganizations(p), q);
}

export async function indexExisting(
  client: PipedriveClient,
  codes: { person: string | undefined; organization: string | undefined },
): Promise<ExistingIndex> {
  const [persons, orgs] = await Promise.all([
    listAllPersons(client, codes.person ? { customFields: codes.person } : {}),
    listAllOrganizations(client, codes.organization ? { customFields: codes.organization } : {}),
  ]);
  const idx: ExistingIndex = {
    personsByActimo: new Map(),
    personsByEmail: new Map(),
    orgsByActimo: new Map(),
    orgsByName: new Map(),
    personCount: persons.length,
    orgCount: orgs.length,
  };
  for (const p of persons) {
    const a = customValue(p, codes.person);
    if (a && !idx.personsByActimo.has(a)) idx.personsByActimo.set(a, p.id);
    for (const e of p.emails ?? []) {
      if (e.value && !idx.personsByEmail.has(normEmail(e.value)))
        idx.personsByEmail.set(normEmail(e.value), p.id);
    }
  }
  for (const o of orgs) {
    const a = customValue(o, codes.organization);
    if (a && !idx.orgsByActimo.has(a)) idx.orgsByActimo.set(a, o.id);
    if (o.name && !idx.orgsByName.has(normName(o.name))) idx.orgsByName.set(normName(o.name), o.id);
  }
  return idx;
}

export interface Owners {
  byEmail: Map<string, number>;
  defaultOwner: number | undefined;
}

interface ListedUser {
  id: number;
  email?: string | null;
  active_flag?: boolean | null;
}

/** The company's users, listed once; the default owner is the user the connection acts as. */
export async function listOwners(client: PipedriveClient): Promise<Owners> {
  const [users, me] = await Promise.all([client.users.getUsers(), client.users.getCurrentUser()]);
  const byEmail = new Map<string, number>();
  for (const u of (users.data ?? []) as ListedUser[]) {
    if (u.email && u.active_flag !== false) byEmail.set(normEmail(u.email), u.id);
  }
  const meId = (me.data as ListedUser | undefined)?.id;
  return { byEmail, defaultOwner: meId };
}

/** Index pages the listing of `n` records costs (an empty list is still one page). */
export const pagesFor = (n: number): number => Math.max(1, Math.ceil(n / 500));

/** Activities (v2, cursor paging, 500 a page), optionally updated since a time. */
export function listAllActivities(
  client: PipedriveClient,
  q: { updatedSince?: string } = {},
): Promise<Array<Record<string, unknown> & { id: number }>> {
  return listAll((p) => client.activities.getActivities(p), q);
}
