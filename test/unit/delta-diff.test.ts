import { describe, expect, it } from 'vitest';
import { diffRecord } from '../../server/delta/diff.ts';
import { changedKeys, driftFromWritten, humanChanges } from '../../server/delta/human-edits.ts';

const fields = [
  { key: 'name', type: 'varchar' as const, target: 'name' },
  { key: 'job_title', type: 'varchar' as const, target: 'jobTitle' },
  { key: 'custom_fields.abc', type: 'double' as const, target: 'engagementScore' },
];
const written = { name: 'Ida Holm', job_title: 'Nurse', custom_fields: { abc: 7.5 }, add_time: '2024-01-01' };

describe('the delta of one record', () => {
  it('sends only the fields the newer export changed', () => {
    const d = diffRecord(
      written,
      { ...written, job_title: 'Head Nurse', add_time: '2025-01-01' },
      fields,
      [],
      'keep_pipedrive',
    );
    expect(d.send).toEqual({ job_title: 'Head Nurse' });
    expect(d.changed).toEqual([{ key: 'job_title', target: 'jobTitle', from: 'Nurse', to: 'Head Nurse' }]);
    expect(d.written).toEqual({ name: 'Ida Holm', job_title: 'Head Nurse', custom_fields: { abc: 7.5 } });
  });

  it('holds back a field a human changed under keep_pipedrive, and leaves it out of what is written', () => {
    const next = { ...written, name: 'Ida Holm-Berg', custom_fields: { abc: 8 } };
    const d = diffRecord(written, next, fields, ['name'], 'keep_pipedrive');
    expect(d.send).toEqual({ custom_fields: { abc: 8 } });
    expect(d.held.map((h) => h.key)).toEqual(['name']);
    expect(d.written).toEqual({ job_title: 'Nurse', custom_fields: { abc: 8 } });
    expect(diffRecord(written, next, fields, ['name'], 'overwrite').send).toEqual({
      name: 'Ida Holm-Berg',
      custom_fields: { abc: 8 },
    });
  });

  it('clears a value the newer export no longer has, and treats 7.5 and "7.50" as the same number', () => {
    const d = diffRecord(
      written,
      { name: 'Ida Holm', custom_fields: { abc: '7.50' } },
      fields,
      [],
      'keep_pipedrive',
    );
    expect(d.send).toEqual({ job_title: null });
  });
});

describe('a human change seen in a webhook', () => {
  it('names changed keys with custom fields flattened and derived keys left out', () => {
    expect(
      changedKeys({ name: 'x', first_name: 'x', update_time: 't', custom_fields: { abc: 1, def: 2 } }),
    ).toEqual(['custom_fields.abc', 'custom_fields.def', 'name']);
  });

  it('keeps what differs from what we wrote, drops the echo of our values', () => {
    const w = { body: written, fields };
    const data = { name: 'Ida Holm', job_title: 'Boss', label: 5, custom_fields: { abc: 7.5 } };
    const previous = { name: 'Someone', job_title: 'Nurse', label: null, custom_fields: { abc: 1 } };
    expect(humanChanges(w, data, previous)).toEqual([
      { key: 'job_title', value: 'Boss', previous: 'Nurse', ours: true },
      { key: 'label', value: 5, previous: null, ours: false },
    ]);
  });

  it('finds, for the sweep, the written fields that no longer hold what we wrote', () => {
    const w = { body: written, fields };
    expect(driftFromWritten(w, { name: 'Ida Holm', job_title: 'Boss', custom_fields: { abc: 7.5 } })).toEqual(
      [{ key: 'job_title', value: 'Boss', previous: 'Nurse', ours: true }],
    );
  });
});
