// /__sandbox: the inspection and control API for tests, demo mode and benchmarks. Only in test and demo
// mode (never in "plain" mode, which looks like Pipedrive and nothing else). It has no authentication:
// the sandbox listens on 127.0.0.1.
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { EventEntity } from './entities/context.ts';
import { ApiError } from './http.ts';
import type { Sandbox } from './sandbox.ts';
import { PLANS } from './state/types.ts';

const ENTITIES: Record<string, EventEntity> = {
  persons: 'person',
  organizations: 'organization',
  activities: 'activity',
  notes: 'note',
};

const companySchema = z.strictObject({
  id: z.number().int().positive().optional(),
  name: z.string().min(1),
  plan: z.enum(PLANS).optional(),
  seats: z.number().int().positive().optional(),
  topUpTokens: z.number().int().min(0).optional(),
  dailyBudget: z.number().int().min(0).nullable().optional(),
  domain: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  apiToken: z.string().min(8).optional(),
  users: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        email: z.string().min(3),
        isAdmin: z.boolean().optional(),
        id: z.number().int().positive().optional(),
      }),
    )
    .optional(),
});

const faultSchema = z.strictObject({
  kind: z.enum(['error', 'latency', 'hang', 'drop_after_write']),
  status: z.number().int().min(500).max(599).optional(),
  ms: z.number().int().min(0).optional(),
  times: z.number().int().positive().optional(),
  match: z
    .strictObject({
      operation: z.string().optional(),
      method: z.string().optional(),
      pathPrefix: z.string().optional(),
      companyId: z.number().int().optional(),
    })
    .optional(),
});

function num(v: unknown): number | undefined {
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

function entityOf(req: Request): EventEntity {
  const e = ENTITIES[String(req.params.entity)];
  if (!e)
    throw new ApiError(
      404,
      `unknown entity ${String(req.params.entity)} (persons, organizations, activities, notes)`,
    );
  return e;
}

export function inspectRoutes(sandbox: Sandbox): Router {
  const r = Router();
  r.use(express.json({ limit: '5mb' }));
  const companyId = (req: Request) => {
    const id = num(req.params.companyId);
    if (id === undefined || !sandbox.companies.has(id))
      throw new ApiError(404, `no company ${String(req.params.companyId)}`);
    return id;
  };

  r.get('/companies', (_req, res) => {
    res.json(
      [...sandbox.companies.values()].map((c) => ({
        ...c.info,
        users: [...c.users.values()].map((u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          isAdmin: u.is_admin,
        })),
        usage: sandbox.usage(c.id),
      })),
    );
  });
  r.post('/companies', (req, res) => res.status(201).json(sandbox.addCompany(companySchema.parse(req.body))));
  r.patch('/companies/:companyId', (req, res) => {
    const patch = companySchema
      .pick({ name: true, plan: true, seats: true, topUpTokens: true })
      .partial()
      .parse(req.body);
    sandbox.updateCompany(companyId(req), patch);
    res.json(sandbox.company(companyId(req)).info);
  });
  r.get('/companies/:companyId/state', (req, res) => {
    const state = sandbox.state(companyId(req));
    res.json({
      ...state,
      files: {
        ...state.files,
        records: state.files.records.map((f) => ({
          ...f,
          content: `${Buffer.from(f.content, 'base64').length} bytes`,
        })),
      },
    });
  });
  r.get('/companies/:companyId/usage', (req, res) => res.json(sandbox.usage(companyId(req))));
  r.post('/companies/:companyId/users', (req, res) => {
    const u = z
      .strictObject({ name: z.string().min(1), email: z.string().min(3), isAdmin: z.boolean().optional() })
      .parse(req.body);
    res.status(201).json(sandbox.addUser(companyId(req), u));
  });
  r.post('/companies/:companyId/tokens', (req, res) => {
    const { userId } = z.strictObject({ userId: z.number().int().positive() }).parse(req.body);
    res.status(201).json({ apiToken: sandbox.createApiToken(companyId(req), userId) });
  });

  // A human in Pipedrive's web app (change_source "app" in webhooks).
  r.post('/companies/:companyId/human/persons/merge', (req, res) => {
    const b = z
      .strictObject({
        fromId: z.number().int(),
        intoId: z.number().int(),
        userId: z.number().int().optional(),
      })
      .parse(req.body);
    sandbox.human.mergePersons(
      companyId(req),
      b.fromId,
      b.intoId,
      b.userId === undefined ? {} : { userId: b.userId },
    );
    res.json({ merged: b.fromId, into: b.intoId });
  });
  r.post('/companies/:companyId/human/:entity', (req, res) => {
    res.status(201).json(sandbox.human.create(companyId(req), entityOf(req), req.body, { ...userOf(req) }));
  });
  r.patch('/companies/:companyId/human/:entity/:id', (req, res) => {
    sandbox.human.update(companyId(req), entityOf(req), Number(req.params.id), req.body, { ...userOf(req) });
    res.json({ updated: Number(req.params.id) });
  });
  r.delete('/companies/:companyId/human/:entity/:id', (req, res) => {
    sandbox.human.delete(companyId(req), entityOf(req), Number(req.params.id), { ...userOf(req) });
    res.json({ deleted: Number(req.params.id) });
  });

  r.get('/requests', (req, res) => {
    const filter = {
      ...(num(req.query.companyId) === undefined ? {} : { companyId: num(req.query.companyId)! }),
      ...(typeof req.query.operation === 'string' ? { operation: req.query.operation } : {}),
      ...(num(req.query.sinceSeq) === undefined ? {} : { sinceSeq: num(req.query.sinceSeq)! }),
    };
    res.json({ totalCost: sandbox.requests.totalCost(filter), requests: sandbox.requests.list(filter) });
  });
  r.delete('/requests', (_req, res) => {
    sandbox.requests.clear();
    res.status(204).end();
  });

  r.get('/settings', (_req, res) => res.json(sandbox.settings));
  r.patch('/settings', (req, res) => res.json(sandbox.updateSettings(req.body as Record<string, unknown>)));
  r.get('/clock', (_req, res) =>
    res.json({ now: new Date(sandbox.clock.now()).toISOString(), frozen: sandbox.clock.isFrozen() }),
  );
  r.post('/clock/advance', (req, res) => {
    const { ms } = z.strictObject({ ms: z.number().int().min(0) }).parse(req.body);
    res.json({ now: new Date(sandbox.clock.advance(ms)).toISOString() });
  });
  r.get('/faults', (_req, res) => res.json(sandbox.faults.pendingScripted()));
  r.post('/faults', (req, res) => {
    const f = faultSchema.parse(req.body);
    sandbox.faults.inject(f);
    res.status(201).json(sandbox.faults.pendingScripted());
  });
  r.delete('/faults', (_req, res) => {
    sandbox.faults.clear();
    res.status(204).end();
  });
  r.get('/webhooks/deliveries', (req, res) =>
    res.json(sandbox.webhooks.deliveries(num(req.query.companyId))),
  );
  r.post('/reset', (_req, res) => {
    sandbox.reset();
    res.status(204).end();
  });

  r.get('/oauth/apps', (_req, res) => res.json(sandbox.oauth.listApps()));
  r.post('/oauth/apps', (req, res) => {
    const b = z
      .strictObject({
        clientId: z.string().min(1).optional(),
        clientSecret: z.string().min(8).optional(),
        redirectUri: z.string().url(),
        name: z.string().optional(),
        scopes: z.array(z.string()).optional(),
      })
      .parse(req.body);
    res.status(201).json(sandbox.oauth.registerApp(b));
  });
  r.post('/oauth/uninstall', async (req, res) => {
    const b = z
      .strictObject({ clientId: z.string(), companyId: z.number().int(), userId: z.number().int() })
      .parse(req.body);
    res.json(await sandbox.oauth.uninstall(b));
  });

  r.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no inspection route ${req.method} ${req.path}` });
  });
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof z.ZodError) {
      const i = err.issues[0];
      res.status(400).json({ error: i ? `${i.path.join('.') || 'body'}: ${i.message}` : 'invalid input' });
    } else if (err instanceof ApiError) {
      res.status(err.status).json({ error: err.message });
    } else {
      res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });
  return r;
}

function userOf(req: Request): { userId?: number } {
  const id = num(req.query.userId);
  return id === undefined ? {} : { userId: id };
}
