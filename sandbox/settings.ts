// Knobs tests, demo mode and benchmarks turn: which limits apply, which faults to inject, webhook policy.
import { z } from 'zod';

const rate = z.number().min(0).max(1);

export const settingsSchema = z.strictObject({
  limits: z.strictObject({
    /** Per-token rolling 2-second burst window by plan and auth type. */
    burst: z.boolean(),
    /** Search endpoints: 10 requests per 2 seconds on every plan. */
    search: z.boolean(),
    /** Daily token budget per company with per-endpoint costs. */
    budget: z.boolean(),
  }),
  faults: z.strictObject({
    /** Share of requests answered with a 5xx before anything is applied. */
    errorRate: rate,
    /** Statuses drawn for injected errors (500 is JSON; 502/503/504 come as a gateway's HTML page). */
    errorStatuses: z.array(z.number().int().min(500).max(599)).min(1),
    /** Added latency before handling, plus a random jitter of up to latencyJitterMs. */
    latencyMs: z.number().int().min(0).max(120_000),
    latencyJitterMs: z.number().int().min(0).max(120_000),
    /** Share of requests that never get an answer (the client's timeout is what ends them). */
    hangRate: rate,
    /** Share of writes that are applied and then answered by a destroyed socket. */
    dropAfterWriteRate: rate,
  }),
  webhooks: z.strictObject({
    /** A delivery fails when no 2xx comes within this time (Pipedrive: 10 s). */
    timeoutMs: z.number().int().min(1),
    /** Delays before retries 2, 3 and 4, on the sandbox clock (Pipedrive: 3, 30 and 150 s). */
    retryDelaysMs: z.array(z.number().int().min(0)),
    /** First-attempt failures that ban a webhook (Pipedrive: 10), and for how long (30 min). */
    banAfterFailures: z.number().int().min(1),
    banMs: z.number().int().min(0),
  }),
  /** How long a write takes to become findable by search (Pipedrive's index lags a little; 0 = at once). */
  searchIndexLagMs: z.number().int().min(0),
  /** Requests kept in the inspection log (oldest dropped first). */
  requestLogSize: z.number().int().min(0),
  /** Largest file accepted by POST /v1/files. */
  maxUploadBytes: z.number().int().min(1),
});

export type SandboxSettings = z.infer<typeof settingsSchema>;

export type SettingsPatch = {
  [K in keyof SandboxSettings]?: SandboxSettings[K] extends unknown[]
    ? SandboxSettings[K]
    : SandboxSettings[K] extends object
      ? Partial<SandboxSettings[K]>
      : SandboxSettings[K];
};

export function defaultSettings(): SandboxSettings {
  return {
    limits: { burst: true, search: true, budget: true },
    faults: {
      errorRate: 0,
      errorStatuses: [500, 502, 503],
      latencyMs: 0,
      latencyJitterMs: 0,
      hangRate: 0,
      dropAfterWriteRate: 0,
    },
    webhooks: {
      timeoutMs: 10_000,
      retryDelaysMs: [3_000, 30_000, 150_000],
      banAfterFailures: 10,
      banMs: 30 * 60_000,
    },
    searchIndexLagMs: 0,
    requestLogSize: 50_000,
    maxUploadBytes: 50 * 1024 * 1024,
  };
}

/** Merges a partial update (one level deep) and validates the result; throws a ZodError when invalid. */
export function mergeSettings(current: SandboxSettings, patch: unknown): SandboxSettings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new z.ZodError([{ code: 'custom', message: 'settings must be an object', path: [], input: patch }]);
  }
  const merged: Record<string, unknown> = structuredClone(current);
  for (const [k, v] of Object.entries(patch)) {
    const cur = merged[k];
    merged[k] =
      typeof cur === 'object' && cur !== null && !Array.isArray(cur) && typeof v === 'object' && v !== null
        ? { ...cur, ...v }
        : v;
  }
  return settingsSchema.parse(merged);
}
