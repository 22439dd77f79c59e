import { describe, expect, it } from 'vitest';
import { nextUtcMidnight, rfc3339, SandboxClock, utcDay, v1Time } from '../../../sandbox/clock.ts';

describe('sandbox clock', () => {
  it('stands still when frozen and moves only by advance()', () => {
    const clock = new SandboxClock({ start: '2026-03-02T23:59:59Z', frozen: true });
    expect(clock.now()).toBe(Date.parse('2026-03-02T23:59:59Z'));
    expect(clock.now()).toBe(Date.parse('2026-03-02T23:59:59Z'));
    clock.advance(1000);
    expect(utcDay(clock.now())).toBe('2026-03-03');
  });

  it('runs timers that fall due during an advance, in due order, including ones scheduled on the way', () => {
    const clock = new SandboxClock({ start: 0, frozen: true });
    const ran: string[] = [];
    clock.schedule(30, () => ran.push('30'));
    clock.schedule(3, () => {
      ran.push('3');
      clock.schedule(10, () => ran.push('3+10'));
    });
    clock.schedule(150, () => ran.push('150'));
    clock.advance(29);
    expect(ran).toEqual(['3', '3+10']);
    clock.advance(1);
    expect(ran).toEqual(['3', '3+10', '30']);
    expect(clock.pending()).toBe(1);
    clock.advance(1000);
    expect(ran).toEqual(['3', '3+10', '30', '150']);
  });

  it('cancels timers and refuses to go backwards', () => {
    const clock = new SandboxClock({ start: 0, frozen: true });
    let ran = false;
    const id = clock.schedule(5, () => {
      ran = true;
    });
    clock.cancel(id);
    clock.advance(10);
    expect(ran).toBe(false);
    expect(() => clock.advance(-1)).toThrow('the clock only moves forward');
  });

  it('formats v2 times as RFC 3339 whole seconds and v1 times as YYYY-MM-DD HH:MM:SS', () => {
    const ms = Date.parse('2020-01-15T09:30:00.789Z');
    expect(rfc3339(ms)).toBe('2020-01-15T09:30:00Z');
    expect(v1Time(ms)).toBe('2020-01-15 09:30:00');
    expect(new Date(nextUtcMidnight(ms)).toISOString()).toBe('2020-01-16T00:00:00.000Z');
  });
});
