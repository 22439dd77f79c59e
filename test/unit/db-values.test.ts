import { describe, expect, it } from 'vitest';
import { readBool, readId, readJson, readTimestamp } from '../../server/db.ts';

describe('database value helpers', () => {
  it('reads timestamps from pg Dates, sqlite numbers and sqlite CURRENT_TIMESTAMP text alike', () => {
    const iso = '2026-11-24T09:30:00.000Z';
    expect(readTimestamp(new Date(iso))).toBe(iso);
    expect(readTimestamp(Date.parse(iso))).toBe(iso);
    expect(readTimestamp('2026-11-24 09:30:00')).toBe(iso);
    expect(readTimestamp(null)).toBeNull();
    expect(() => readTimestamp('yesterday')).toThrow('unreadable timestamp from the database: yesterday');
  });

  it('reads booleans stored as 0/1 by sqlite', () => {
    expect([readBool(1), readBool(0), readBool(true), readBool(false), readBool(null)]).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it('reads JSON stored as text by sqlite or parsed by pg', () => {
    expect(readJson<{ a: number }>('{"a":1}')).toEqual({ a: 1 });
    expect(readJson<{ a: number }>({ a: 1 })).toEqual({ a: 1 });
  });

  it('reads bigint ids that pg returns as strings', () => {
    expect(readId('42')).toBe(42);
    expect(() => readId('x')).toThrow('unreadable id from the database: x');
  });
});
