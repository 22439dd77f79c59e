// /api/migrations/:id/map…: read the proposed map, edit its source and destination sides, confirm it,
// preview a record's payload, plan and run custom-field provisioning, save and apply profiles, and
// download the schema and mapping documents. /api/mapping-profiles: list, export, import. Thin: the
// rules are in server/mapping/.
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Knex } from '../../db.ts';
import { ValidationError } from '../../errors.ts';
import { schemaDocument, schemaMarkdown, specDocument, specMarkdown } from '../../mapping/documents.ts';
import { destinationChangeSchema, settingsChangeSchema, sourceChangeSchema } from '../../mapping/edit.ts';
import type { MappingService } from '../../mapping/map.service.ts';
import type { PreviewService } from '../../mapping/preview.service.ts';
import type { ProfilesService } from '../../mapping/profiles.service.ts';
import type { ProvisioningService } from '../../mapping/provision.service.ts';
import { listRecordedFields } from '../../pipedrive/field-schema.repository.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam, parse } from '../params.ts';

export interface MappingRouteDeps {
  db: Knex;
  clock: Clock;
  maps: MappingService;
  previews: PreviewService;
  provisioning: ProvisioningService;
  profiles: ProfilesService;
}

const version = z.number().int().positive();
const sourceBody = z.object({ version, changes: z.array(sourceChangeSchema).min(1).max(500) }).strict();
const destinationsBody = z
  .object({
    version,
    changes: z.array(destinationChangeSchema).max(200).default([]),
    settings: settingsChangeSchema.optional(),
  })
  .strict();
const confirmBody = z.object({ version, profile: z.string().trim().min(1).max(255).optional() }).strict();
const profileNameBody = z.object({ name: z.string().trim().min(1).max(255) }).strict();
const applyBody = z.object({ version, profileId: z.number().int().positive() }).strict();
const previewQuery = z.object({ actimoId: z.string().min(1).max(255).optional() }).strict();
const importQuery = z.object({ name: z.string().trim().min(1).max(255).optional() }).strict();

function entityParam(v: unknown): 'person' | 'organization' {
  if (v === 'person' || v === 'organization') return v;
  throw new ValidationError('invalid_entity', 'entity must be person or organization.');
}

function download(res: import('express').Response, name: string, type: string, body: string): void {
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.send(body);
}

export function mappingRoutes(d: MappingRouteDeps): Router {
  const router = Router();
  const ctx = (req: import('express').Request, res: import('express').Response) => {
    const t = tenantOf(res);
    return { companyId: t.companyId, userId: t.userId, migrationId: idParam(req.params.id, 'migration id') };
  };

  router.get('/migrations/:id/map', async (req, res) => {
    const c = ctx(req, res);
    res.json(await d.maps.view(c.companyId, c.migrationId, c.userId));
  });

  router.get('/migrations/:id/map/versions', async (req, res) => {
    const c = ctx(req, res);
    res.json({ versions: await d.maps.versions(c.companyId, c.migrationId) });
  });

  router.patch('/migrations/:id/map/source', async (req, res) => {
    const c = ctx(req, res);
    const body = parse(sourceBody, req.body ?? {});
    res.json(await d.maps.editSource(c.companyId, c.migrationId, c.userId, body.version, body.changes));
  });

  router.patch('/migrations/:id/map/destinations', async (req, res) => {
    const c = ctx(req, res);
    const body = parse(destinationsBody, req.body ?? {});
    if (body.changes.length === 0 && !body.settings)
      throw new ValidationError('nothing_to_change', 'Send destination changes or settings.');
    res.json(
      await d.maps.editDestinations(
        c.companyId,
        c.migrationId,
        c.userId,
        body.version,
        body.changes,
        body.settings,
      ),
    );
  });

  router.post('/migrations/:id/map/confirm', async (req, res) => {
    const c = ctx(req, res);
    const body = parse(confirmBody, req.body ?? {});
    const row = await d.maps.confirm(c.companyId, c.migrationId, c.userId, body.version);
    const profile = body.profile
      ? await d.profiles.save(c.companyId, c.migrationId, c.userId, body.profile)
      : undefined;
    res.json({ ...(await d.maps.viewOf(c.companyId, row)), ...(profile ? { savedProfile: profile } : {}) });
  });

  router.get('/migrations/:id/map/preview/:entity', async (req, res) => {
    const c = ctx(req, res);
    const q = parse(previewQuery, req.query);
    res.json(
      await d.previews.preview(
        c.companyId,
        c.migrationId,
        c.userId,
        entityParam(req.params.entity),
        q.actimoId,
      ),
    );
  });

  router.get('/migrations/:id/map/account-fields', async (req, res) => {
    const c = ctx(req, res);
    res.json(await d.maps.accountFields(c.companyId, c.migrationId));
  });

  router.get('/migrations/:id/map/provisioning', async (req, res) => {
    const c = ctx(req, res);
    res.json(await d.provisioning.plan(c.companyId, c.migrationId, c.userId));
  });

  router.post('/migrations/:id/map/provision', async (req, res) => {
    const c = ctx(req, res);
    res.json(await d.provisioning.provision(c.companyId, c.migrationId, c.userId));
  });

  router.post('/migrations/:id/map/profiles', async (req, res) => {
    const c = ctx(req, res);
    const body = parse(profileNameBody, req.body ?? {});
    res.status(201).json(await d.profiles.save(c.companyId, c.migrationId, c.userId, body.name));
  });

  router.post('/migrations/:id/map/apply-profile', async (req, res) => {
    const c = ctx(req, res);
    const body = parse(applyBody, req.body ?? {});
    res.json(await d.profiles.apply(c.companyId, c.migrationId, c.userId, body.version, body.profileId));
  });

  for (const format of ['json', 'md'] as const) {
    router.get(`/migrations/:id/map/schema.${format}`, async (req, res) => {
      const c = ctx(req, res);
      const map = await d.maps.current(c.companyId, c.migrationId, c.userId);
      const recorded = await listRecordedFields(d.db, c.companyId);
      const doc = schemaDocument(c.migrationId, map.version, map.document, recorded, new Date(d.clock.now()));
      if (format === 'json') res.json(doc);
      else download(res, `custom-fields-migration-${c.migrationId}.md`, 'text/markdown', schemaMarkdown(doc));
    });

    router.get(`/migrations/:id/map/spec.${format}`, async (req, res) => {
      const c = ctx(req, res);
      const doc = specDocument(
        await d.maps.view(c.companyId, c.migrationId, c.userId),
        new Date(d.clock.now()),
      );
      if (format === 'json') res.json(doc);
      else
        download(
          res,
          `mapping-specification-migration-${c.migrationId}.md`,
          'text/markdown',
          specMarkdown(doc),
        );
    });
  }

  router.get('/mapping-profiles', async (_req, res) => {
    res.json({ profiles: await d.profiles.list(tenantOf(res).companyId) });
  });

  router.get('/mapping-profiles/:profileId', async (req, res) => {
    const doc = await d.profiles.export(tenantOf(res).companyId, idParam(req.params.profileId, 'profile id'));
    const slug =
      doc.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'profile';
    download(
      res,
      `mapping-profile-${slug}-v${doc.version ?? 1}.json`,
      'application/json',
      `${JSON.stringify(doc, null, 2)}\n`,
    );
  });

  router.post('/mapping-profiles', async (req, res) => {
    const t = tenantOf(res);
    const q = parse(importQuery, req.query);
    res.status(201).json(await d.profiles.import(t.companyId, t.userId, req.body, q.name));
  });

  return router;
}
