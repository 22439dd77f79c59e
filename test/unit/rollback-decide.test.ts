// What rollback decides per record from what we wrote, the before-image and what Pipedrive shows now.
import { describe, expect, it } from 'vitest';
import { decideCreated, decideRestore, flatten, nest, same } from '../../server/rollback/decide.ts';

const fields = [
  { key: 'name', type: 'varchar' as const },
  { key: 'emails', type: 'varchar' as const },
  { key: 'custom_fields.abc', type: 'double' as const },
];
const written = {
  name: 'Ann Berg',
  emails: [{ value: 'ann@example.dk', primary: true, label: 'work' }],
  custom_fields: { abc: 12.5 },
};
const asWritten = {
  id: 7,
  name: 'Ann Berg',
  emails: [{ value: 'ANN@example.dk', primary: true, label: 'work' }],
  custom_fields: { abc: 12.5 },
  update_time: '2026-03-02T09:00:00Z',
};

describe('a record we created', () => {
  const base = { written, fields, writtenUpdateTime: '2026-03-02 09:00:00', humanEdit: false, force: false };

  it('is deleted when it holds what we wrote and was not touched since', () => {
    expect(decideCreated({ ...base, current: asWritten })).toEqual({
      action: 'delete',
      reason: 'created_by_us',
    });
  });

  it('is kept when a field we wrote holds another value, with the field reported', () => {
    expect(decideCreated({ ...base, current: { ...asWritten, custom_fields: { abc: 3 } } })).toEqual({
      action: 'keep',
      reason: 'value_changed',
      conflicts: [{ key: 'custom_fields.abc', wrote: 12.5, now: 3 }],
    });
  });

  it('is kept when it was updated after our write, or a webhook saw a person edit it', () => {
    expect(
      decideCreated({ ...base, current: { ...asWritten, update_time: '2026-03-02T09:00:01Z' } }),
    ).toEqual({
      action: 'keep',
      reason: 'edited_in_pipedrive',
      conflicts: [],
    });
    expect(decideCreated({ ...base, humanEdit: true, current: asWritten }).reason).toBe(
      'edited_in_pipedrive',
    );
  });

  it('is deleted anyway when forced, and is nothing to do when it is gone', () => {
    expect(decideCreated({ ...base, force: true, current: { ...asWritten, name: 'X' } })).toMatchObject({
      action: 'delete',
      reason: 'forced',
    });
    expect(decideCreated({ ...base, current: null })).toEqual({ action: 'none', reason: 'already_deleted' });
  });
});

describe('a record that existed before us', () => {
  const beforeImage = { name: 'Ann', job_title: null, custom_fields: { abc: null } };

  it('gets back every field that still holds what we wrote (text attributes emptied as "")', () => {
    const d = decideRestore({
      beforeImage,
      written: { ...written, job_title: 'Chef' },
      fields: [...fields, { key: 'job_title', type: 'varchar' }],
      current: { ...asWritten, job_title: 'Chef' },
    });
    expect(d).toEqual({
      action: 'restore',
      reason: 'restore_before_image',
      body: { name: 'Ann', job_title: '', custom_fields: { abc: null } },
      restored: [
        { key: 'name', from: 'Ann Berg', to: 'Ann' },
        { key: 'job_title', from: 'Chef', to: null },
        { key: 'custom_fields.abc', from: 12.5, to: null },
      ],
      conflicts: [],
    });
  });

  it('leaves a field a person changed since, and reports it', () => {
    const d = decideRestore({ beforeImage, written, fields, current: { ...asWritten, name: 'Ann B.' } });
    expect(d.reason).toBe('restore_partial');
    expect(d.body).toEqual({ custom_fields: { abc: null } });
    expect(d.conflicts).toEqual([{ key: 'name', wrote: 'Ann Berg', now: 'Ann B.', before: 'Ann' }]);
  });

  it('needs nothing when every field already holds its before-image', () => {
    expect(
      decideRestore({ beforeImage, written, fields, current: { id: 7, name: 'Ann', custom_fields: {} } }),
    ).toEqual({ action: 'none', reason: 'already_restored' });
  });
});

describe('field values', () => {
  it('compares contacts as sets of values, options by id, and empties as equal', () => {
    expect(same(undefined, [{ value: 'a@x.dk' }, { value: 'B@x.dk' }], ['b@x.dk', 'a@x.dk'])).toBe(true);
    expect(same(undefined, { value: 3, label: 'x' }, 3)).toBe(true);
    expect(same('varchar', null, '')).toBe(true);
    expect(same('varchar', 'a', 'b')).toBe(false);
    expect(same('double', '12.50', 12.5)).toBe(true);
  });

  it('flattens custom fields to the keys the engine writes and nests them back', () => {
    const flat = flatten({ name: 'x', custom_fields: { a: 1 } });
    expect([...flat]).toEqual([
      ['name', 'x'],
      ['custom_fields.a', 1],
    ]);
    expect(nest(flat)).toEqual({ name: 'x', custom_fields: { a: 1 } });
  });
});
