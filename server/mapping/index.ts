// The field map's services, built once for the HTTP API, the CLI and (later) the migration engine.
import { type MappingDeps, MappingService } from './map.service.ts';
import { PreviewService } from './preview.service.ts';
import { ProfilesService } from './profiles.service.ts';
import { ProvisioningService } from './provision.service.ts';

export interface Mapping {
  maps: MappingService;
  previews: PreviewService;
  provisioning: ProvisioningService;
  profiles: ProfilesService;
}

export function buildMapping(deps: MappingDeps): Mapping {
  const maps = new MappingService(deps);
  return {
    maps,
    previews: new PreviewService(deps.db, maps),
    provisioning: new ProvisioningService(deps.db, deps.pipedrive, maps),
    profiles: new ProfilesService(deps.db, maps),
  };
}

export { secondaryOrganizationsNote } from './notes.ts';
export type { PayloadRefs, PayloadResult, Problem, TraceEntry } from './payload.ts';
export { buildOrganizationPayload, buildPersonPayload } from './payload.ts';
export type { StagedOrganizationInput, StagedPersonInput } from './payload-read.ts';
export { sameValue, type ValueType } from './payload-values.ts';
export type { ResolvedMap, ResolvedTarget } from './resolve.ts';
