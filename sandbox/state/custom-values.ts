// Custom field values as API v2 takes them (migration guide): text → string, numeric → number,
// monetary → {value, currency}, enum → option id, set → [option ids] (clear with null; [] is rejected),
// date → "YYYY-MM-DD", daterange → {value, until}, time → {value: "HH:MM:SS", timezone_name},
// address → {value, …subfields}, user/org/people → id. Anything else is a 400, as in v2.
import { validationFailed } from '../http.ts';
import { optionById } from './fields.ts';
import type { FieldRecord } from './types.ts';

export interface RefCheck {
  userExists(id: number): boolean;
  orgExists(id: number): boolean;
  personExists(id: number): boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const CURRENCY = /^[A-Z]{3}$/;
const ADDRESS_PARTS = [
  'country',
  'admin_area_level_1',
  'admin_area_level_2',
  'locality',
  'sublocality',
  'route',
  'street_number',
  'subpremise',
  'postal_code',
  'formatted_address',
];

export function isValidDate(s: unknown): s is string {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function isValidTime(s: unknown): s is string {
  return typeof s === 'string' && TIME.test(s);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Validates one value for one field; returns what to store (null clears). Throws a v2 400. */
export function normalizeCustomValue(field: FieldRecord, value: unknown, refs: RefCheck): unknown {
  const where = `custom_fields.${field.code}`;
  const fail = (why: string) => validationFailed(`${where}: ${why}`);
  if (value === null) return null;
  switch (field.field_type) {
    case 'varchar':
    case 'varchar_auto':
    case 'phone':
      if (typeof value !== 'string') throw fail('must be a string');
      if (value.length > 255) throw fail('must be at most 255 characters');
      return value;
    case 'text':
      if (typeof value !== 'string') throw fail('must be a string');
      if (value.length > 65_535) throw fail('must be at most 65535 characters');
      return value;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail('must be a number');
      return value;
    case 'monetary': {
      if (!isObject(value)) throw fail('must be an object with value and currency');
      const extra = Object.keys(value).filter((k) => k !== 'value' && k !== 'currency');
      if (extra.length) throw fail(`unknown property ${extra[0]}`);
      if (typeof value.value !== 'number' || !Number.isFinite(value.value))
        throw fail('value must be a number');
      if (typeof value.currency !== 'string' || !CURRENCY.test(value.currency))
        throw fail('currency must be a 3-letter currency code');
      return { value: value.value, currency: value.currency };
    }
    case 'enum':
      if (!isId(value)) throw fail('must be the id of one of the field options');
      if (!optionById(field, value)) throw fail(`option ${value} does not exist`);
      return value;
    case 'set': {
      if (!Array.isArray(value)) throw fail('must be an array of option ids');
      if (value.length === 0) throw fail('must not be empty (send null to clear the field)');
      for (const v of value) {
        if (!isId(v)) throw fail('must be an array of option ids');
        if (!optionById(field, v)) throw fail(`option ${v} does not exist`);
      }
      return [...new Set(value as number[])];
    }
    case 'date':
      if (!isValidDate(value)) throw fail('must be a date as YYYY-MM-DD');
      return value;
    case 'daterange': {
      if (!isObject(value) || !isValidDate(value.value) || !isValidDate(value.until))
        throw fail('must be {value, until} with dates as YYYY-MM-DD');
      if (value.until < value.value) throw fail('until must not be before value');
      return { value: value.value, until: value.until };
    }
    case 'time':
    case 'timerange': {
      if (!isObject(value) || !isValidTime(value.value))
        throw fail('must be {value} with a time as HH:MM:SS');
      if (field.field_type === 'timerange' && !isValidTime(value.until))
        throw fail('until must be a time as HH:MM:SS');
      if (value.timezone_name !== undefined && typeof value.timezone_name !== 'string')
        throw fail('timezone_name must be a string');
      return { ...value };
    }
    case 'address': {
      if (!isObject(value) || typeof value.value !== 'string' || value.value === '')
        throw fail('must be an object with a non-empty value');
      for (const [k, v] of Object.entries(value)) {
        if (k === 'value') continue;
        if (!ADDRESS_PARTS.includes(k)) throw fail(`unknown property ${k}`);
        if (typeof v !== 'string') throw fail(`${k} must be a string`);
      }
      return { ...value };
    }
    case 'user':
      if (!isId(value) || !refs.userExists(value)) throw fail('must be the id of a user of the company');
      return value;
    case 'org':
      if (!isId(value) || !refs.orgExists(value)) throw fail('must be the id of an existing organization');
      return value;
    case 'people':
      if (!isId(value) || !refs.personExists(value)) throw fail('must be the id of an existing person');
      return value;
    default:
      throw fail(`fields of type ${field.field_type} cannot be written`);
  }
}

/** Field types whose values person/organization search looks into (research §2.2). */
const SEARCHABLE = new Set(['address', 'varchar', 'text', 'varchar_auto', 'double', 'monetary', 'phone']);

export function searchableText(field: FieldRecord, value: unknown): string | null {
  if (value === null || value === undefined || !SEARCHABLE.has(field.field_type)) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value) && (typeof value.value === 'string' || typeof value.value === 'number'))
    return String(value.value);
  return null;
}

/** Webhooks v2 wrap each custom value with its type (and option ids for enum/set). */
export function webhookCustomValue(field: FieldRecord, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.field_type) {
    case 'enum':
      return { type: 'enum', id: value };
    case 'set':
      return { type: 'set', values: (value as number[]).map((id) => ({ id })) };
    case 'monetary':
    case 'daterange':
    case 'time':
    case 'timerange':
    case 'address':
      return { type: field.field_type, ...(value as Record<string, unknown>) };
    default:
      return { type: field.field_type, value };
  }
}
