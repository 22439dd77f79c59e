import { describe, expect, it } from 'vitest';
import {
  normalizePhone,
  parseBoolean,
  parseDate,
  parseDurationMinutes,
  parseNumber,
  parsePercent,
} from '../../server/actimo/values.ts';
import { utcFromZoned } from '../../server/staging/time.ts';

const dmy = { orders: { '-': 'dmy', '.': 'dmy', '/': 'dmy' } as const, excelSerial: true };
const mdy = { orders: { '/': 'mdy' } as const, excelSerial: false };

describe('parseDate', () => {
  it.each([
    ['24-11-2026', dmy, { date: '2026-11-24' }],
    ['24.11.2026', dmy, { date: '2026-11-24' }],
    ['11/24/2026', mdy, { date: '2026-11-24' }],
    ['2026-11-24', mdy, { date: '2026-11-24' }],
    ['2026-11-24T09:30:00Z', mdy, { date: '2026-11-24', time: '09:30:00', zone: 'Z' }],
    ['2026-11-24 09:30', mdy, { date: '2026-11-24', time: '09:30:00' }],
    ['2026-07-01T10:00:00+0200', mdy, { date: '2026-07-01', time: '10:00:00', zone: '+02:00' }],
    ['45620', dmy, { date: '2024-11-24' }],
    ['45620.5', dmy, { date: '2024-11-24', time: '12:00:00' }],
    ['24-11-2026 9.30', dmy, { date: '2026-11-24', time: '09:30:00' }],
  ])('reads %s', (raw, opts, ok) => {
    expect(parseDate(raw, opts)).toEqual({ ok });
  });

  it('reads a value whose own numbers settle the order even in an undecided column', () => {
    expect(parseDate('24/11/2026', { orders: {}, excelSerial: false })).toEqual({
      ok: { date: '2026-11-24' },
    });
  });

  it('does not guess the order of 01/02/2026 when the column is undecided', () => {
    expect(parseDate('01/02/2026', { orders: {}, excelSerial: false })).toEqual({ error: 'ambiguous_date' });
  });

  it.each(['31-02-2026', '2026-13-01', 'tomorrow', '45620'])('refuses %s without serials', (raw) => {
    expect(parseDate(raw, { orders: { '-': 'dmy' }, excelSerial: false })).toEqual({
      error: 'unparseable_date',
    });
  });
});

describe('numbers and percentages', () => {
  it.each([
    ['72,5', ',', 72.5],
    ['1.234,5', ',', 1234.5],
    ['1,234.5', '.', 1234.5],
    ['-3', '.', -3],
    ['12 345,75', ',', 12345.75],
  ] as const)('reads %s with decimal %s', (raw, dec, n) => {
    expect(parseNumber(raw, dec)).toBe(n);
  });

  it.each(['72,5,1', 'abc', '1.23.4'])('refuses %s', (raw) => {
    expect(parseNumber(raw, ',')).toBeNull();
  });

  it.each([
    ['45%', 'fraction', 45],
    ['45,0 %', 'percent', 45],
    ['0.45', 'fraction', 45],
    ['45', 'percent', 45],
    ['0,055', 'fraction', 5.5],
  ] as const)('reads the percentage %s on a %s scale as 0–100', (raw, scale, n) => {
    expect(parsePercent(raw, raw.includes(',') ? ',' : '.', scale)).toBe(n);
  });
});

describe('phones, booleans, durations, zones', () => {
  it.each([
    ['+45 20 12 34 56', undefined, '+4520123456'],
    ['0045 20123456', undefined, '+4520123456'],
    ['20 12 34 56', '45', '+4520123456'],
    ['20123456', undefined, '+4520123456'],
    ['+46 70-123 45 67', undefined, '+46701234567'],
    ['(+45) 20 12 34 56', '+45', '+4520123456'],
  ])('normalises %s (country code %s)', (raw, cc, e164) => {
    expect(normalizePhone(raw, 'DK', cc)).toBe(e164);
  });

  it('refuses what is not a phone number', () => {
    expect(normalizePhone('call me', 'DK')).toBeNull();
  });

  it.each([
    ['ja', true],
    ['Yes', true],
    ['primær', true],
    ['nej', false],
    ['0', false],
    ['maybe', null],
  ])('reads %s as %s', (raw, b) => {
    expect(parseBoolean(raw)).toBe(b);
  });

  it.each([
    ['0:30', 30],
    ['01:30:00', 90],
    ['45', 45],
    ['90 min', 90],
    ['1h 30m', 90],
    ['1,5 t', 90],
    ['soon', null],
  ])('reads the duration %s as %s minutes', (raw, minutes) => {
    expect(parseDurationMinutes(raw)).toBe(minutes);
  });

  it.each([
    ['2026-11-24', '09:30:00', 'Europe/Copenhagen', '2026-11-24T08:30:00Z'],
    ['2026-07-01', '09:30:00', 'Europe/Copenhagen', '2026-07-01T07:30:00Z'],
    ['2026-03-29', '03:30:00', 'Europe/Copenhagen', '2026-03-29T01:30:00Z'],
    ['2026-07-01', '10:00:00', '+02:00', '2026-07-01T08:00:00Z'],
    ['2026-07-01', '10:00:00', 'Z', '2026-07-01T10:00:00Z'],
  ])('turns %s %s in %s into %s', (date, time, zone, utc) => {
    expect(utcFromZoned(date, time, zone)).toBe(utc);
  });
});
