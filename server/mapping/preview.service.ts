// The value preview (a record's source values and the exact payload the map would send), and the
// resolved map the migration engine reads. Both go through the payload builder the engine uses.
import type { Knex } from '../db.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { listRecordedFields } from '../pipedrive/field-schema.repository.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { latestMap } from './map.repository.ts';
import type { MappingService } from './map.service.ts';
import { secondaryOrganizationsNote } from './notes.ts';
import { buildOrganizationPayload, buildPersonPayload, type PayloadResult } from './payload.ts';
import type { StagedOrganizationInput, StagedPersonInput } from './payload-read.ts';
import { type ResolvedMap, resolveMap } from './resolve.ts';
import {
  loadOrganizationInput,
  loadPersonInput,
  organizationNames,
  rawRows,
} from './staged-input.repository.ts';
import type { PipedriveEntity } from './targets.ts';

export interface Preview {
  entity: PipedriveEntity;
  actimoId: string;
  mapVersion: number;
  /** True once the map is provisioned: field codes and option ids are the account's own. */
  exact: boolean;
  /** Organization and owner ids are the engine's at run time; the preview leaves them pending. */
  pendingReferences: string[];
  source: StagedPersonInput | StagedOrganizationInput;
  payload: PayloadResult<unknown>;
  secondaryOrganizationsNote: string | null;
}

async function firstActimoId(db: Knex, companyId: number, migrationId: number, entity: PipedriveEntity) {
  const row = await db(entity === 'person' ? 'staged_persons' : 'staged_organizations')
    .where({ company_id: companyId, migration_id: migrationId })
    .orderBy('actimo_id')
    .first('actimo_id');
  return row ? String(row.actimo_id) : undefined;
}

export class PreviewService {
  constructor(
    private readonly db: Knex,
    private readonly maps: MappingService,
  ) {}

  /** The map as the engine must use it: confirmed, provisioned, resolved to this company's field codes. */
  async resolvedMapFor(companyId: number, migrationId: number): Promise<ResolvedMap> {
    await this.maps.requireMigration(companyId, migrationId);
    const latest = await latestMap(this.db, companyId, migrationId);
    if (latest?.status !== 'confirmed')
      throw new ConflictError('map_not_confirmed', 'Confirm the field map before any record is written.');
    if (!latest.resolved || latest.resolved.version !== latest.version)
      throw new ConflictError(
        'map_not_provisioned',
        'Provision the custom fields of the confirmed map before any record is written.',
      );
    return latest.resolved;
  }

  async preview(
    companyId: number,
    migrationId: number,
    userId: number,
    entity: PipedriveEntity,
    actimoId?: string,
  ): Promise<Preview> {
    const map = await this.maps.current(companyId, migrationId, userId);
    const id = actimoId ?? (await firstActimoId(this.db, companyId, migrationId, entity));
    const input = id
      ? entity === 'person'
        ? await loadPersonInput(this.db, companyId, migrationId, id)
        : await loadOrganizationInput(this.db, companyId, migrationId, id)
      : undefined;
    if (!id || !input)
      throw new NotFoundError(
        'record_not_found',
        id ? `No staged ${entity} has the Actimo id ${id}.` : `No ${entity} is staged in this migration yet.`,
      );
    const resolved =
      map.resolved && map.resolved.version === map.version
        ? map.resolved
        : resolveMap(map.version, map.document, await listRecordedFields(this.db, companyId), undefined);
    const keys = new Set<string>();
    const person = entity === 'person' ? (input as StagedPersonInput) : undefined;
    const provenances = [
      ...Object.values(input.provenance),
      ...Object.values(person?.metrics?.provenance ?? {}),
      ...(person?.memberships ?? []).flatMap((m) => (m.provenance ? [m.provenance] : [])),
    ];
    for (const [fileId, row] of provenances) keys.add(`${fileId}:${row}`);
    const rows = await rawRows(
      this.db,
      companyId,
      [...keys].map((k) => k.split(':').map(Number) as [number, number]),
    );
    const withRows = { ...input, rows };
    const { visibleTo } = await readSettings(this.db, companyId);
    const refs = {
      organizationIdFor: () => undefined,
      ownerFor: () => undefined,
      visibleTo,
      pending: true,
    };
    const payload =
      entity === 'person'
        ? buildPersonPayload(withRows as StagedPersonInput, resolved, refs)
        : buildOrganizationPayload(withRows as StagedOrganizationInput, resolved, refs);
    let note: string | null = null;
    if (person) {
      const ids = (person.memberships ?? []).map((m) => m.organizationId);
      const names = await organizationNames(this.db, companyId, migrationId, ids);
      note = secondaryOrganizationsNote(person, (c) => names.get(c));
    }
    return {
      entity,
      actimoId: id,
      mapVersion: map.version,
      exact: resolved.exact,
      pendingReferences: entity === 'person' ? ['org_id', 'owner_id'] : [],
      source: input,
      payload,
      secondaryOrganizationsNote: note,
    };
  }
}
