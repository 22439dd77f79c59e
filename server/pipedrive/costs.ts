// Pipedrive's token cost per call, from the `x-token-cost` annotations of the official OpenAPI specs
// (shared/research/pipedrive-api.md §1.2). Cost is per request, not per record: a 500-item page costs the
// same as a 1-item page. Search endpoints also have their own burst window (10 per 2 s).

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteCost {
  op: string;
  method: HttpMethod;
  path: RegExp;
  tokens: number;
  search?: true;
}

const ID = '\\d+';
const CODE = '[0-9a-z_]+';

function v2(entity: string, key = ID): RouteCost[] {
  const base = `^/api/v2/${entity}`;
  return [
    { op: `${entity}.list`, method: 'GET', path: new RegExp(`${base}$`), tokens: 10 },
    { op: `${entity}.get`, method: 'GET', path: new RegExp(`${base}/${key}$`), tokens: 1 },
    { op: `${entity}.add`, method: 'POST', path: new RegExp(`${base}$`), tokens: 5 },
    { op: `${entity}.update`, method: 'PATCH', path: new RegExp(`${base}/${key}$`), tokens: 5 },
    { op: `${entity}.delete`, method: 'DELETE', path: new RegExp(`${base}/${key}$`), tokens: 3 },
  ];
}

function v2FieldOptions(entity: string): RouteCost[] {
  const path = new RegExp(`^/api/v2/${entity}/${CODE}/options$`);
  return (['POST', 'PATCH', 'DELETE'] as const).map((method) => ({
    op: `${entity}.options.${method.toLowerCase()}`,
    method,
    path,
    tokens: 5,
  }));
}

function v1(
  entity: string,
  costs: { list?: number; get?: number; add?: number; update?: number; delete?: number },
): RouteCost[] {
  const base = `^/api/v1/${entity}`;
  const out: RouteCost[] = [];
  if (costs.list)
    out.push({ op: `${entity}.list`, method: 'GET', path: new RegExp(`${base}$`), tokens: costs.list });
  if (costs.get)
    out.push({ op: `${entity}.get`, method: 'GET', path: new RegExp(`${base}/${ID}$`), tokens: costs.get });
  if (costs.add)
    out.push({ op: `${entity}.add`, method: 'POST', path: new RegExp(`${base}$`), tokens: costs.add });
  if (costs.update)
    out.push({
      op: `${entity}.update`,
      method: 'PUT',
      path: new RegExp(`${base}/${ID}$`),
      tokens: costs.update,
    });
  if (costs.delete)
    out.push({
      op: `${entity}.delete`,
      method: 'DELETE',
      path: new RegExp(`${base}/${ID}$`),
      tokens: costs.delete,
    });
  return out;
}

export const ROUTE_COSTS: readonly RouteCost[] = [
  // Search first: its paths would otherwise match the `get by id` patterns of some entities.
  { op: 'persons.search', method: 'GET', path: /^\/api\/v2\/persons\/search$/, tokens: 20, search: true },
  {
    op: 'organizations.search',
    method: 'GET',
    path: /^\/api\/v2\/organizations\/search$/,
    tokens: 20,
    search: true,
  },
  { op: 'itemSearch', method: 'GET', path: /^\/api\/v2\/itemSearch(\/field)?$/, tokens: 20, search: true },
  ...v2('persons'),
  ...v2('organizations'),
  ...v2('activities'),
  ...v2('personFields', CODE),
  ...v2('organizationFields', CODE),
  ...v2FieldOptions('personFields'),
  ...v2FieldOptions('organizationFields'),
  ...v1('notes', { list: 20, get: 2, add: 10, update: 10, delete: 6 }),
  ...v1('files', { list: 20, get: 2, add: 10, update: 10, delete: 6 }),
  { op: 'files.download', method: 'GET', path: /^\/api\/v1\/files\/\d+\/download$/, tokens: 20 },
  { op: 'files.remote', method: 'POST', path: /^\/api\/v1\/files\/remote(Link)?$/, tokens: 10 },
  { op: 'users.me', method: 'GET', path: /^\/api\/v1\/users\/me$/, tokens: 2 },
  { op: 'users.find', method: 'GET', path: /^\/api\/v1\/users\/find$/, tokens: 40 },
  ...v1('users', { list: 20, get: 2 }),
  ...v1('webhooks', { list: 10, add: 10, delete: 6 }),
  ...v1('callLogs', { list: 20, get: 2, add: 10, delete: 6 }),
  ...v1('activityTypes', { list: 20 }),
  ...v1('personFields', { list: 20, get: 2, add: 10, update: 10, delete: 6 }),
  ...v1('organizationFields', { list: 20, get: 2, add: 10, update: 10, delete: 6 }),
];

/** Pipedrive's generic v1 figures, for a route not in the table: never under-count. */
const FALLBACK: Record<HttpMethod, number> = { GET: 20, POST: 10, PUT: 10, PATCH: 10, DELETE: 10 };

export interface CallCost {
  op: string;
  tokens: number;
  search: boolean;
}

/** The v1 API answers on both `/v1` and `/api/v1`; the table is written for `/api/v1`. */
export function normalisePath(pathname: string): string {
  const p = pathname.replace(/\/+$/, '');
  return p.startsWith('/v1/') ? `/api${p}` : p;
}

// Every request asks; most ask for the same few routes (a create has no id in its path).
const known = new Map<string, CallCost>();

/** Cost of one request, from its method and path (the path after the API domain). */
export function costOf(method: string, pathname: string): CallCost {
  const key = `${method} ${pathname}`;
  const hit = known.get(key);
  if (hit) return hit;
  const cost = lookUpCost(method, pathname);
  if (known.size >= 2_000) known.clear();
  known.set(key, cost);
  return cost;
}

function lookUpCost(method: string, pathname: string): CallCost {
  const m = method.toUpperCase() as HttpMethod;
  const p = normalisePath(pathname);
  for (const r of ROUTE_COSTS) {
    if (r.method === m && r.path.test(p)) return { op: r.op, tokens: r.tokens, search: r.search === true };
  }
  return { op: `${m} ${p}`, tokens: FALLBACK[m] ?? 20, search: /\/search$/.test(p) };
}

/** Cost of an operation by name (for plans and estimates). */
export function costOfOp(op: string): number {
  const r = ROUTE_COSTS.find((x) => x.op === op);
  if (!r) throw new Error(`unknown Pipedrive operation ${op}`);
  return r.tokens;
}
