// API v2: persons, organizations, their fields, activities. JSON bodies only.
import express, { Router } from 'express';
import type { Sandbox } from '../../sandbox.ts';
import { activityRoutes } from './activities.ts';
import { fieldRoutes } from './fields.ts';
import { organizationRoutes } from './organizations.ts';
import { personRoutes } from './persons.ts';

export function v2Routes(sandbox: Sandbox): Router {
  const r = Router();
  r.use(express.json({ limit: '5mb' }));
  r.use(personRoutes(sandbox));
  r.use(organizationRoutes(sandbox));
  r.use(activityRoutes(sandbox));
  r.use(fieldRoutes(sandbox, 'person'));
  r.use(fieldRoutes(sandbox, 'organization'));
  return r;
}
