// The four single-record routes every API v2 entity has: GET/PATCH/DELETE /{path}/{id} and POST /{path}.
// GET by id still answers for soft-deleted records (is_deleted: true) until they are purged.
import type { Request, Router } from 'express';
import type { WriteContext } from '../../entities/context.ts';
import { notFound, ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import type { Company } from '../../state/company.ts';
import { apiWrite, mount, v2Id } from '../route.ts';

export interface RecordRoutes<T extends { id: number }> {
  path: string;
  ops: { get: string; add: string; update: string; delete: string };
  notFound: string;
  find(company: Company, id: number): T | undefined;
  /** The v2 object; `query` is the GET's query string ({} after writes). */
  present(company: Company, record: T, query: Request['query']): unknown;
  create(ctx: WriteContext, body: unknown): T;
  update(ctx: WriteContext, id: number, body: unknown): T;
  remove(ctx: WriteContext, id: number): void;
}

export function recordRoutes<T extends { id: number }>(
  sandbox: Sandbox,
  r: Router,
  def: RecordRoutes<T>,
): void {
  mount(sandbox, r, 'get', `${def.path}/:id`, def.ops.get, (req, res, caller) => {
    const record = def.find(caller.company, v2Id(req));
    if (!record) throw notFound(def.notFound);
    ok(res, def.present(caller.company, record, req.query));
  });
  mount(sandbox, r, 'post', def.path, def.ops.add, (req, res, caller) => {
    ok(res, def.present(caller.company, def.create(apiWrite(sandbox, caller), req.body), {}));
  });
  mount(sandbox, r, 'patch', `${def.path}/:id`, def.ops.update, (req, res, caller) => {
    ok(res, def.present(caller.company, def.update(apiWrite(sandbox, caller), v2Id(req), req.body), {}));
  });
  mount(sandbox, r, 'delete', `${def.path}/:id`, def.ops.delete, (req, res, caller) => {
    const id = v2Id(req);
    def.remove(apiWrite(sandbox, caller), id);
    ok(res, { id });
  });
}
