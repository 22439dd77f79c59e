// The sandbox's own clock. Everything time-based in the sandbox reads it: record timestamps, the 2-second
// burst window, the daily token budget (resets at midnight UTC), OAuth token expiry, webhook retries and
// the 30-day purge of soft-deleted records. Tests advance it instead of sleeping; a frozen clock only
// moves when advanced, so "N+1 requests inside 2 s" is exact rather than a race against the wall clock.

export interface ClockOptions {
  /** Where the clock starts (default: now). */
  start?: Date | string | number;
  /** A frozen clock only moves when advanced (default: false, it ticks with real time). */
  frozen?: boolean;
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

export class SandboxClock {
  private readonly frozen: boolean;
  private readonly realStart = Date.now();
  private base: number;
  private timers: Timer[] = [];
  private nextTimerId = 1;
  private wake: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: ClockOptions = {}) {
    this.frozen = options.frozen ?? false;
    this.base = options.start === undefined ? this.realStart : new Date(options.start).getTime();
    if (Number.isNaN(this.base)) throw new Error(`invalid clock start: ${String(options.start)}`);
  }

  /** Milliseconds since the epoch, on the sandbox clock. */
  now(): number {
    return this.frozen ? this.base : this.base + (Date.now() - this.realStart);
  }

  isFrozen(): boolean {
    return this.frozen;
  }

  /**
   * Moves the clock forward and runs every timer that falls due on the way, in order, each at its own due
   * time (so a timer set by another timer during the same advance is due relative to that moment).
   */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    const target = this.now() + ms;
    for (let next = this.timers[0]; next && next.due <= target; next = this.timers[0]) {
      this.timers.shift();
      this.base += Math.max(0, next.due - this.now());
      next.fn();
    }
    this.base += target - this.now();
    this.runDue();
    return this.now();
  }

  /** Runs `fn` once the sandbox clock reaches now + delayMs (by advancing, or by real time passing). */
  schedule(delayMs: number, fn: () => void): number {
    const timer = { id: this.nextTimerId++, due: this.now() + delayMs, fn };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
    this.arm();
    return timer.id;
  }

  cancel(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
    this.arm();
  }

  /** Timers still waiting (for inspection). */
  pending(): number {
    return this.timers.length;
  }

  close(): void {
    this.closed = true;
    this.timers = [];
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
  }

  private runDue(): void {
    const now = this.now();
    while (this.timers.length > 0 && this.timers[0]!.due <= now) {
      const timer = this.timers.shift()!;
      timer.fn();
    }
    this.arm();
  }

  /** A ticking clock also fires timers as real time passes; a frozen one only on advance(). */
  private arm(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    const first = this.timers[0];
    if (this.frozen || this.closed || !first) return;
    this.wake = setTimeout(() => this.runDue(), Math.max(0, first.due - this.now()));
    this.wake.unref();
  }
}

/** `2024-01-15T09:30:00Z`: API v2 and webhook v2 timestamps (RFC 3339, whole seconds, UTC). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2024-01-15 09:30:00`: API v1 timestamps (UTC). */
export function v1Time(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2024-01-15`: the UTC day, which is also the key of the daily token budget. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Next UTC midnight after `ms`. */
export function nextUtcMidnight(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
