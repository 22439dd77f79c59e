// Custom-field provisioning: before any record is written, make sure every field the confirmed map needs
// exists in the account, without ever creating one twice. A field is found by the code we recorded for it,
// then by name (and type); only what is still missing is created. A same-named field of another type is a
// clash the admin resolves; a schema that would not fit the plan's custom-field cap is said before
// anything is created. Planning is pure; `applyProvisioning` does the writes.
import type { Knex } from '../db.ts';
import { AppError } from '../errors.ts';
import type { PipedriveClient } from './client.ts';
import { isPipedriveError } from './errors.ts';
import { forgetField, type RecordedField, recordField } from './field-schema.repository.ts';
import {
  type AccountField,
  type AccountFields,
  addOptions,
  createField,
  type FieldEntity,
  listFields,
  typeWords,
} from './fields.ts';
import type { PipedrivePlan } from './rate-limiter.ts';

/** Custom fields a company may have, by plan (Pipedrive "Usage limits"; person, organization and deal fields together). */
export const CUSTOM_FIELD_CAP: Record<PipedrivePlan, number> = {
  lite: 30,
  growth: 100,
  premium: 300,
  ultimate: 500,
};

export interface WantedField {
  entity: FieldEntity;
  logicalName: string;
  name: string;
  type: string;
  options?: readonly string[];
  /** The map target it holds (for the report and the admin's choices). */
  target: string;
  targetLabel: string;
  /** A metric that could be dropped or folded into a note when the schema does not fit. */
  optional: boolean;
  /** Value kinds the target can be written as (an existing field of one of these types will do). */
  fits: readonly string[];
}

export type FieldAction = 'keep' | 'adopt' | 'add_options' | 'create' | 'clash';
export type ClashChoice = 'use_existing' | 'rename' | 'drop' | 'note';

export interface FieldPlan extends WantedField {
  action: FieldAction;
  code?: string;
  existing?: AccountField;
  missingOptions?: string[];
  reason: string;
  choices?: ClashChoice[];
}

export interface Capacity {
  plan: PipedrivePlan;
  cap: number;
  /** Custom person and organization fields the account has now. */
  used: number;
  toCreate: number;
  fits: boolean;
  over: number;
  /** Fields the admin could drop or fold into a note, least important first. */
  candidates: Array<{ entity: FieldEntity; target: string; name: string }>;
}

export interface ProvisioningPlan {
  fields: FieldPlan[];
  capacity: Capacity;
  blocked: boolean;
  /** Why nothing may be created yet, in words. */
  blockers: string[];
}

const FAMILY: Record<string, string> = { varchar: 'text', varchar_auto: 'text', text: 'text' };
const family = (type: string) => FAMILY[type] ?? type;

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function missingOptions(w: WantedField, f: AccountField): string[] {
  if (!w.options?.length || (f.type !== 'enum' && f.type !== 'set')) return [];
  const have = new Set((f.options ?? []).map((o) => o.label.trim().toLowerCase()));
  return w.options.filter((o) => !have.has(o.trim().toLowerCase()));
}

/** A field found in the account: kept or adopted as it is, or with the options it lacks added. */
function found(w: WantedField, f: AccountField, action: 'keep' | 'adopt', reason: string): FieldPlan {
  const missing = missingOptions(w, f);
  return missing.length
    ? {
        ...w,
        action: 'add_options',
        code: f.code,
        existing: f,
        missingOptions: missing,
        reason: `${reason}; ${missing.length} option(s) to add`,
      }
    : { ...w, action, code: f.code, existing: f, reason };
}

function matchOne(w: WantedField, account: AccountField[], recorded: RecordedField | undefined): FieldPlan {
  const byCode = recorded && account.find((f) => f.code === recorded.code);
  if (byCode) {
    if (family(byCode.type) !== family(w.type) && !w.fits.includes(byCode.type))
      return clash(
        w,
        byCode,
        `the field we recorded (${byCode.name}) is now a ${typeWords(byCode.type)} field`,
      );
    return found(w, byCode, 'keep', 'found by its recorded code');
  }
  const named = account.filter((f) => f.isCustom && sameName(f.name, w.name));
  const match = named.find((f) => family(f.type) === family(w.type));
  const gone = recorded ? `; the field recorded earlier (${recorded.code}) is gone from the account` : '';
  if (match)
    return found(
      w,
      match,
      'adopt',
      `the account already has "${match.name}" (${typeWords(match.type)})${gone}`,
    );
  const other = named[0];
  if (other)
    return clash(w, other, `the account already has a ${typeWords(other.type)} field named "${other.name}"`);
  return { ...w, action: 'create', reason: `no field of the account holds it${gone}` };
}

function clash(w: WantedField, f: AccountField, why: string): FieldPlan {
  const compatible = w.fits.includes(f.type);
  const choices: ClashChoice[] = compatible
    ? ['use_existing', 'rename', 'drop', 'note']
    : ['rename', 'drop', 'note'];
  return {
    ...w,
    action: 'clash',
    existing: f,
    choices,
    reason: `${why}, but ours is a ${typeWords(w.type)} field: ${compatible ? 'use the existing field, ' : ''}rename ours, leave ${w.targetLabel.toLowerCase()} out, or put it in a note`,
  };
}

export function planProvisioning(
  wanted: readonly WantedField[],
  account: AccountFields,
  recorded: readonly RecordedField[],
  plan: PipedrivePlan,
): ProvisioningPlan {
  const fields = wanted.map((w) =>
    matchOne(
      w,
      account[w.entity],
      recorded.find((r) => r.entity === w.entity && r.logicalName === w.logicalName),
    ),
  );
  const cap = CUSTOM_FIELD_CAP[plan];
  const used =
    account.person.filter((f) => f.isCustom).length + account.organization.filter((f) => f.isCustom).length;
  const creating = fields.filter((f) => f.action === 'create');
  const over = Math.max(0, used + creating.length - cap);
  const capacity: Capacity = {
    plan,
    cap,
    used,
    toCreate: creating.length,
    fits: over === 0,
    over,
    candidates: creating
      .filter((f) => f.optional)
      .reverse()
      .map((f) => ({ entity: f.entity, target: f.target, name: f.name })),
  };
  const blockers: string[] = [];
  for (const c of fields.filter((f) => f.action === 'clash')) blockers.push(`${c.name}: ${c.reason}`);
  if (!capacity.fits)
    blockers.push(
      `the ${plan} plan allows ${cap} custom fields; the account has ${used} and our schema needs ${creating.length} more, ${over} too many: drop ${over} of ${capacity.candidates
        .slice(0, Math.max(over, 3))
        .map((c) => `"${c.name}"`)
        .join(', ')} or fold them into a note`,
    );
  return { fields, capacity, blocked: blockers.length > 0, blockers };
}

export interface ProvisioningResult {
  created: RecordedField[];
  adopted: RecordedField[];
  kept: RecordedField[];
  optionsAdded: Array<{ field: string; labels: string[] }>;
}

/**
 * Carries out an unblocked plan: records what exists, adds missing options, creates what is missing.
 * Each field is recorded the moment it exists, so a run that stops half way resumes without duplicates.
 */
export async function applyProvisioning(
  db: Knex,
  client: PipedriveClient,
  companyId: number,
  plan: ProvisioningPlan,
  recorded: readonly RecordedField[],
  migrationId: number,
): Promise<ProvisioningResult> {
  if (plan.blocked)
    throw new AppError(
      'conflict',
      'provisioning_blocked',
      `Provisioning is blocked: ${plan.blockers.join('; ')}`,
      plan,
    );
  const out: ProvisioningResult = { created: [], adopted: [], kept: [], optionsAdded: [] };
  for (const f of plan.fields) {
    const prior = recorded.find((r) => r.entity === f.entity && r.logicalName === f.logicalName);
    if (prior && prior.code !== f.code) await forgetField(db, companyId, f.entity, f.logicalName);
    let field = f.existing;
    if (f.action === 'add_options' && field && f.missingOptions?.length) {
      const added = await addOptions(client, f.entity, field.code, f.missingOptions);
      field = { ...field, options: [...(field.options ?? []), ...added] };
      out.optionsAdded.push({ field: f.name, labels: added.map((o) => o.label) });
    }
    if (f.action === 'create') field = await createOnce(client, f);
    if (!field) continue;
    const rec: RecordedField = {
      entity: f.entity,
      logicalName: f.logicalName,
      code: field.code,
      name: field.name,
      type: field.type,
      options: field.options,
      createdByUs: f.action === 'create' || (prior?.createdByUs ?? false),
      // The migration that created it stays its creator when another migration's map reuses it.
      createdByMigrationId:
        f.action === 'create'
          ? migrationId
          : prior?.code === field.code
            ? (prior.createdByMigrationId ?? null)
            : null,
    };
    await recordField(db, companyId, rec);
    const bucket = f.action === 'create' ? out.created : prior?.code === field.code ? out.kept : out.adopted;
    bucket.push(rec);
  }
  return out;
}

/** Creates a field; when the answer was lost, looks for it by name and type before giving up. */
async function createOnce(client: PipedriveClient, f: FieldPlan): Promise<AccountField> {
  try {
    return await createField(client, f.entity, {
      name: f.name,
      type: f.type,
      ...(f.options ? { options: f.options } : {}),
    });
  } catch (err) {
    if (isPipedriveError(err, 'forbidden'))
      throw new AppError(
        'conflict',
        'custom_field_limit_reached',
        `Pipedrive refused to create "${f.name}": ${err.info.pipedriveMessage ?? 'the plan allows no more custom fields'}. Fields created so far are recorded; drop or fold metrics and provision again.`,
        undefined,
        { cause: err },
      );
    if (!isPipedriveError(err) || !err.outcomeUnknown) throw err;
    const found = (await listFields(client, f.entity)).find(
      (x) => x.isCustom && sameName(x.name, f.name) && family(x.type) === family(f.type),
    );
    if (found) return found;
    throw err;
  }
}
