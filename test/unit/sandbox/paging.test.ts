import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../sandbox/http.ts';
import { Prng } from '../../../sandbox/random.ts';
import { page, sortedPage } from '../../../sandbox/routes/v2/paging.ts';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, t: (i * 7) % 5 }));

describe('API v2 cursor paging', () => {
  it('walks every row exactly once, however the pages fall', () => {
    const all = rows(23);
    for (const limit of [1, 5, 22, 23, 500]) {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const p = page(all, { limit, ...(cursor ? { cursor } : {}) });
        seen.push(...p.data.map((r) => r.id));
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.map((r) => r.id));
    }
  });

  it('keeps its place when rows are added behind the cursor', () => {
    const all = rows(6);
    const first = page(all, { limit: 3 });
    all.push({ id: 7, t: 0 });
    const second = page(all, { limit: 3, cursor: first.nextCursor! });
    expect(second.data.map((r) => r.id)).toEqual([4, 5, 6]);
    expect(page(all, { limit: 3, cursor: second.nextCursor! }).data.map((r) => r.id)).toEqual([7]);
  });

  it('sorts by another key with the id as tie-breaker, in either direction', () => {
    const all = rows(6);
    const asc = sortedPage(all, { sort_by: 't' }, (r) => r.t);
    expect(asc.data.map((r) => [r.t, r.id])).toEqual([
      [0, 1],
      [0, 6],
      [1, 4],
      [2, 2],
      [3, 5],
      [4, 3],
    ]);
    const desc = sortedPage(all, { sort_by: 't', sort_direction: 'desc', limit: 2 }, (r) => r.t);
    expect(desc.data.map((r) => r.id)).toEqual([3, 5]);
    const rest = sortedPage(
      all,
      { sort_by: 't', sort_direction: 'desc', cursor: desc.nextCursor! },
      (r) => r.t,
    );
    expect(rest.data.map((r) => r.id)).toEqual([2, 4, 6, 1]);
  });

  it('refuses a cursor it did not make', () => {
    expect(() => page(rows(3), { cursor: 'not-a-cursor' })).toThrow(ApiError);
    expect(() => page(rows(3), { cursor: 'not-a-cursor' })).toThrow(
      'Validation failed: cursor: invalid cursor',
    );
  });
});

describe('seeded random stream', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = new Prng('x');
    const b = new Prng('x');
    const c = new Prng('y');
    const draw = (p: Prng) => [p.hex(40), p.int(1, 6), p.next()];
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{40}$/);
  });
});
