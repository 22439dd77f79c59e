// API v1 as far as this project uses it (still current in Pipedrive: notes, files, users, webhooks,
// call logs, activity types, and the v1 fields endpoints). Served under both /v1 and /api/v1.
import express, { Router } from 'express';
import { ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { ACTIVITY_TYPES } from '../../state/company.ts';
import { mount } from '../route.ts';
import { callLogRoutes } from './call-logs.ts';
import { v1FieldRoutes } from './fields.ts';
import { fileRoutes } from './files.ts';
import { noteRoutes } from './notes.ts';
import { userRoutes } from './users.ts';
import { webhookRoutes } from './webhooks.ts';

export function v1Routes(sandbox: Sandbox): Router {
  const r = Router();
  r.use(express.json({ limit: '5mb' }), express.urlencoded({ extended: false, limit: '5mb' }));
  r.use(noteRoutes(sandbox));
  r.use(fileRoutes(sandbox));
  r.use(userRoutes(sandbox));
  r.use(webhookRoutes(sandbox));
  r.use(callLogRoutes(sandbox));
  r.use(v1FieldRoutes(sandbox, 'person'));
  r.use(v1FieldRoutes(sandbox, 'organization'));
  mount(sandbox, r, 'get', '/activityTypes', 'getActivityTypes', (_req, res) => {
    ok(
      res,
      ACTIVITY_TYPES.map((t, i) => ({
        ...t,
        order_nr: i + 1,
        color: null,
        is_custom_flag: false,
        active_flag: true,
      })),
    );
  });
  return r;
}
