import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useRateEstimate } from './rate.ts';

describe('useRateEstimate', () => {
  it('estimates the rate and time left as the value grows', () => {
    let now = 0;
    const clock = () => now;
    const { result, rerender } = renderHook(({ value }) => useRateEstimate(value, 1000, clock), {
      initialProps: { value: 0 },
    });
    expect(result.current).toEqual({ perSecond: null, secondsLeft: null });
    now = 2_000;
    rerender({ value: 100 });
    expect(result.current).toEqual({ perSecond: 50, secondsLeft: 18 });
  });
});
