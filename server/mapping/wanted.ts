// The custom fields a map needs in Pipedrive: our fields for every target that has data (the Actimo ID
// whenever records of that entity are staged), and the stand-ins for Industry and Number of employees
// when the account has no usable standard field. Fields for targets without data are not created. Pure.
import type { AccountFields } from '../pipedrive/fields.ts';
import type { WantedField } from '../pipedrive/provisioning.ts';
import type { CustomDestination, MapDocument } from './document.ts';
import { feedsOf } from './feeds.ts';
import { standardFallback } from './propose-destination.ts';
import { FITTING_TYPES, type PipedriveEntity, targetOf } from './targets.ts';

/** Targets some column of the map feeds ("entity.field"). */
export function fedTargets(doc: MapDocument): Set<string> {
  const out = new Set<string>();
  for (const f of doc.files)
    for (const c of f.columns)
      for (const feed of feedsOf(f.kind, c.field))
        if (feed.entity && feed.target) out.add(`${feed.entity}.${feed.target}`);
  return out;
}

/** Whether the account's standard field can take our values (Industry needs options to match). */
export function standardUsable(
  account: AccountFields | undefined,
  entity: PipedriveEntity,
  key: string,
): boolean {
  if (!account) return true;
  const f = account[entity].find((x) => !x.isCustom && x.code === key);
  return !!f && (key !== 'industry' || (f.options?.length ?? 0) > 0);
}

export function wantedFields(doc: MapDocument, account: AccountFields | undefined): WantedField[] {
  const fed = fedTargets(doc);
  const out: WantedField[] = [];
  for (const d of doc.destinations) {
    const t = targetOf(d.entity, d.field);
    if (!t || !fed.has(`${d.entity}.${d.field}`)) continue;
    let custom: CustomDestination | undefined;
    if (d.destination.kind === 'custom') custom = d.destination;
    else if (d.destination.kind === 'standard' && !standardUsable(account, d.entity, d.destination.key))
      custom = standardFallback(d.entity, d.destination.key);
    if (!custom) continue;
    out.push({
      entity: d.entity,
      logicalName: custom.logicalName,
      name: custom.name,
      type: custom.type,
      ...(custom.options ? { options: custom.options } : {}),
      target: t.field,
      targetLabel: t.label,
      optional: !t.required,
      fits: FITTING_TYPES[t.value],
    });
  }
  return out;
}
