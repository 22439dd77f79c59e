import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../sandbox/http.ts';
import {
  normalizeCustomValue,
  searchableText,
  webhookCustomValue,
} from '../../../sandbox/state/custom-values.ts';
import type { FieldRecord } from '../../../sandbox/state/types.ts';

function field(field_type: string, options: number[] | null = null): FieldRecord {
  return {
    code: 'c'.repeat(40),
    v1_key: 'c'.repeat(40),
    id: 1,
    name: 'F',
    field_type,
    is_custom: true,
    options: options?.map((id) => ({ id, label: `o${id}`, add_time: 0, update_time: 0 })) ?? null,
    order_nr: 0,
    add_time: 0,
    update_time: 0,
    created_by_user_id: null,
    ui_visibility: {},
    important_fields: {},
    required_fields: {},
  };
}

const refs = {
  userExists: (id: number) => id === 7,
  orgExists: (id: number) => id === 3,
  personExists: () => false,
};

function error(type: string, value: unknown, options?: number[]): string {
  try {
    normalizeCustomValue(field(type, options), value, refs);
  } catch (e) {
    return (e as ApiError).message.replace(`Validation failed: custom_fields.${'c'.repeat(40)}: `, '');
  }
  return 'accepted';
}

describe('custom field values as API v2 takes them', () => {
  it.each([
    ['varchar', 'A-1001', 'A-1001'],
    ['double', 87.5, 87.5],
    ['monetary', { value: 500, currency: 'EUR' }, { value: 500, currency: 'EUR' }],
    ['date', '2024-02-29', '2024-02-29'],
    ['daterange', { value: '2024-01-01', until: '2024-01-31' }, { value: '2024-01-01', until: '2024-01-31' }],
    [
      'time',
      { value: '09:00:00', timezone_name: 'Europe/Tallinn' },
      { value: '09:00:00', timezone_name: 'Europe/Tallinn' },
    ],
    ['address', { value: 'Tallinn', country: 'Estonia' }, { value: 'Tallinn', country: 'Estonia' }],
    ['user', 7, 7],
    ['org', 3, 3],
    ['varchar', null, null],
  ])('accepts a %s value', (type, value, stored) => {
    expect(normalizeCustomValue(field(type), value, refs)).toEqual(stored);
  });

  it('accepts enum and set option ids and de-duplicates a set', () => {
    expect(normalizeCustomValue(field('enum', [1, 2]), 2, refs)).toBe(2);
    expect(normalizeCustomValue(field('set', [1, 2]), [2, 1, 2], refs)).toEqual([2, 1]);
  });

  it.each([
    ['double', '87.5', 'must be a number'],
    ['varchar', 12, 'must be a string'],
    ['varchar', 'x'.repeat(256), 'must be at most 255 characters'],
    ['monetary', { value: 5, currency: 'euro' }, 'currency must be a 3-letter currency code'],
    ['monetary', 5, 'must be an object with value and currency'],
    ['date', '2023-02-29', 'must be a date as YYYY-MM-DD'],
    ['date', '2024-01-15T00:00:00Z', 'must be a date as YYYY-MM-DD'],
    ['daterange', { value: '2024-02-01', until: '2024-01-01' }, 'until must not be before value'],
    ['time', { value: '9am' }, 'must be {value} with a time as HH:MM:SS'],
    ['address', { value: 'Tallinn', planet: 'Earth' }, 'unknown property planet'],
    ['user', 8, 'must be the id of a user of the company'],
    ['people', 1, 'must be the id of an existing person'],
  ])('rejects a %s value %j', (type, value, message) => {
    expect(error(type, value)).toBe(message);
  });

  it('rejects an unknown option and an empty set', () => {
    expect(error('enum', 9, [1, 2])).toBe('option 9 does not exist');
    expect(error('set', [], [1])).toBe('must not be empty (send null to clear the field)');
    expect(error('set', [1, 5], [1])).toBe('option 5 does not exist');
  });

  it('finds text in searchable types only', () => {
    expect(searchableText(field('monetary'), { value: 500, currency: 'EUR' })).toBe('500');
    expect(searchableText(field('double'), 1.5)).toBe('1.5');
    expect(searchableText(field('enum', [1]), 1)).toBeNull();
    expect(searchableText(field('date'), '2024-01-01')).toBeNull();
  });

  it('wraps values with their type for webhooks v2', () => {
    expect(webhookCustomValue(field('varchar'), 'A-1')).toEqual({ type: 'varchar', value: 'A-1' });
    expect(webhookCustomValue(field('enum', [4]), 4)).toEqual({ type: 'enum', id: 4 });
    expect(webhookCustomValue(field('set', [4, 5]), [4, 5])).toEqual({
      type: 'set',
      values: [{ id: 4 }, { id: 5 }],
    });
    expect(webhookCustomValue(field('monetary'), { value: 1, currency: 'EUR' })).toEqual({
      type: 'monetary',
      value: 1,
      currency: 'EUR',
    });
    expect(webhookCustomValue(field('varchar'), null)).toBeNull();
  });
});

it('marks validation errors as v2 400s', () => {
  try {
    normalizeCustomValue(field('double'), 'x', refs);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    expect((e as ApiError).options.code).toBe('ERR_SCHEMA_VALIDATION_FAILED');
  }
});
