// Provisioning a confirmed map: what the account already has, what would be created, whether it fits the
// plan's custom-field cap, which same-named fields clash; then (when nothing blocks) the fields are created
// through server/pipedrive/ and the map is resolved to this company's field codes for the engine.
import type { Knex } from '../db.ts';
import { AppError, ConflictError } from '../errors.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { listRecordedFields } from '../pipedrive/field-schema.repository.ts';
import { type AccountFields, listAccountFields } from '../pipedrive/fields.ts';
import {
  applyProvisioning,
  type ProvisioningPlan,
  type ProvisioningResult,
  planProvisioning,
} from '../pipedrive/provisioning.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf } from '../tenants/settings.ts';
import type { MapDocument } from './document.ts';
import { feedsOf } from './feeds.ts';
import { type MapRow, setResolvedMap } from './map.repository.ts';
import type { MappingService } from './map.service.ts';
import { resolveMap } from './resolve.ts';
import { FITTING_TYPES, targetOf } from './targets.ts';
import { optionLabelFor } from './values.ts';
import { wantedFields } from './wanted.ts';

export interface ProvisioningReport {
  mapVersion: number;
  mapStatus: MapRow['status'];
  plan: ProvisioningPlan;
  /** Things that do not block but lose values (Industry values without an option, …). */
  warnings: string[];
  applied: boolean;
  result?: ProvisioningResult;
  /** After provisioning: every field code and option id of the map is known. */
  exact?: boolean;
}

/** Existing fields the admin chose must still be there, and still fit. */
function existingBlockers(doc: MapDocument, account: AccountFields): string[] {
  const out: string[] = [];
  for (const d of doc.destinations) {
    if (d.destination.kind !== 'existing') continue;
    const t = targetOf(d.entity, d.field);
    const code = d.destination.fieldCode;
    const f = account[d.entity].find((x) => x.code === code);
    if (!f)
      out.push(
        `the field "${d.destination.name ?? code}" chosen for ${t?.label ?? d.field} is no longer in the account`,
      );
    else if (t && !FITTING_TYPES[t.value].includes(f.type) && f.type !== 'set')
      out.push(`"${f.name}" is now a ${f.type} field and cannot hold ${t.label.toLowerCase()}`);
  }
  return out;
}

/** Industry values the account's standard Industry options do not match (they would be left out). */
function industryWarnings(doc: MapDocument, account: AccountFields): string[] {
  const d = doc.destinations.find((x) => x.entity === 'organization' && x.field === 'industry');
  const std = account.organization.find((f) => !f.isCustom && f.code === 'industry');
  if (d?.destination.kind !== 'standard' || !std?.options?.length) return [];
  const labels = std.options.map((o) => o.label);
  const out: string[] = [];
  for (const f of doc.files)
    for (const c of f.columns) {
      if (!feedsOf(f.kind, c.field).some((x) => x.entity === 'organization' && x.target === 'industry'))
        continue;
      const missing = (c.observed ?? [])
        .map(([v]) => v)
        .filter((v) => optionLabelFor(v, c.values, labels) === undefined);
      if (missing.length)
        out.push(
          `${missing.length} value(s) of "${c.header}" match no Industry option of the account (${missing
            .slice(0, 5)
            .map((v) => `"${v}"`)
            .join(', ')}): map them to an option, or they are left out`,
        );
    }
  return out;
}

const running = new Set<number>();

export class ProvisioningService {
  constructor(
    private readonly db: Knex,
    private readonly pipedrive: PipedriveServices,
    private readonly maps: MappingService,
  ) {}

  /** What provisioning would do now (nothing is created). The map need not be confirmed yet. */
  async plan(companyId: number, migrationId: number, userId: number): Promise<ProvisioningReport> {
    const map = await this.maps.current(companyId, migrationId, userId);
    const { client, close } = await openClient(this.pipedrive, companyId);
    try {
      return await this.report(companyId, map, await listAccountFields(client));
    } finally {
      await close();
    }
  }

  private async report(companyId: number, map: MapRow, account: AccountFields): Promise<ProvisioningReport> {
    const settings = await readSettings(this.db, companyId);
    const recorded = await listRecordedFields(this.db, companyId);
    const plan = planProvisioning(
      wantedFields(map.document, account),
      account,
      recorded,
      settings.pipedrivePlan,
    );
    const extra = existingBlockers(map.document, account);
    if (extra.length) plan.blockers.push(...extra);
    plan.blocked = plan.blockers.length > 0;
    return {
      mapVersion: map.version,
      mapStatus: map.status,
      plan,
      warnings: industryWarnings(map.document, account),
      applied: false,
    };
  }

  /** Creates what the confirmed map needs; refused (with the report) while a clash or the cap blocks it. */
  async provision(companyId: number, migrationId: number, userId: number): Promise<ProvisioningReport> {
    const map = await this.maps.current(companyId, migrationId, userId);
    if (map.status !== 'confirmed')
      throw new ConflictError(
        'map_not_confirmed',
        'Confirm the field map before its custom fields are created.',
      );
    if (running.has(companyId))
      throw new ConflictError(
        'provisioning_running',
        'Custom fields are being provisioned for this company already.',
      );
    running.add(companyId);
    const settings = await readSettings(this.db, companyId);
    const { client, close } = await openClient(this.pipedrive, companyId, {
      budget: budgetPolicyOf(settings),
    });
    try {
      const report = await this.report(companyId, map, await listAccountFields(client));
      if (report.plan.blocked)
        throw new AppError(
          'conflict',
          'provisioning_blocked',
          `Nothing was created: ${report.plan.blockers.join('; ')}.`,
          report,
        );
      const recorded = await listRecordedFields(this.db, companyId);
      const result = await applyProvisioning(this.db, client, companyId, report.plan, recorded, migrationId);
      const account = await listAccountFields(client);
      const resolved = resolveMap(
        map.version,
        map.document,
        await listRecordedFields(this.db, companyId),
        account,
      );
      await setResolvedMap(this.db, companyId, migrationId, map.version, resolved);
      return { ...report, applied: true, result, exact: resolved.exact };
    } finally {
      running.delete(companyId);
      await close();
    }
  }
}
