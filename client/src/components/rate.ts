// Rate and time left from progress samples, over a sliding window so a pause or a burst fades out.
import { useEffect, useRef, useState } from 'react';

export interface RateEstimate {
  /** Units per second, or null until two samples some time apart exist. */
  perSecond: number | null;
  /** Seconds until `total`, or null when unknown (no rate, no total, or stalled). */
  secondsLeft: number | null;
}

interface Sample {
  at: number;
  value: number;
}

export class RateMeter {
  private samples: Sample[] = [];

  constructor(private readonly windowMs = 20_000) {}

  add(value: number, at: number): void {
    const last = this.samples.at(-1);
    // Progress that went backwards (a restart) starts a new measurement.
    if (last && value < last.value) this.samples = [];
    this.samples.push({ value, at });
    const from = at - this.windowMs;
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < from) this.samples.shift();
  }

  estimate(total: number | null): RateEstimate {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 500) return { perSecond: null, secondsLeft: null };
    const perSecond = ((last.value - first.value) * 1000) / (last.at - first.at);
    const secondsLeft =
      total !== null && perSecond > 0 ? Math.max(0, (total - last.value) / perSecond) : null;
    return { perSecond, secondsLeft };
  }
}

/** Feeds a changing value into a RateMeter and returns the current estimate. */
export function useRateEstimate(value: number, total: number | null, now: () => number = Date.now) {
  const meter = useRef<RateMeter | null>(null);
  const [estimate, setEstimate] = useState<RateEstimate>({ perSecond: null, secondsLeft: null });
  useEffect(() => {
    meter.current ??= new RateMeter();
    meter.current.add(value, now());
    setEstimate(meter.current.estimate(total));
  }, [value, total, now]);
  return estimate;
}
