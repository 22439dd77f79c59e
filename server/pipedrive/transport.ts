// The axios adapter under every SDK call. The SDK exposes neither status nor headers and never retries,
// so this is where each request is charged to the daily budget, waits for a burst-window slot, learns the
// limit from `x-ratelimit-*`, backs off on 429 and 5xx, and turns failures into PipedriveApiError (which
// the SDK passes through untouched because it has no `response`).
//
// Retries: a 429 is always retried (Pipedrive refused before doing anything). Timeouts, dropped
// connections and 5xx are retried only for idempotent methods; for a POST the outcome is unknown and the
// error says so, because retrying a create blindly is how importers make duplicates. The caller resolves
// it by looking the record up first.
import axios, { type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { Clock } from '../clock.ts';
import { costOf } from './costs.ts';
import { failureForStatus, PipedriveApiError, type PipedriveFailure, pipedriveMessageOf } from './errors.ts';
import { type BurstLimiter, parseRateHeaders } from './rate-limiter.ts';
import { nextReset, type TokenBudget } from './token-budget.ts';

export interface TransportEvent {
  op: string;
  method: string;
  path: string;
  tokens: number;
  attempt: number;
  status: number | null;
  durationMs: number;
  failure?: PipedriveFailure;
}

export interface TransportOptions {
  limiter: BurstLimiter;
  clock: Clock;
  budget?: TokenBudget;
  /** Attempts for retryable failures (429 on any method; 5xx and network errors on idempotent ones). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Consecutive 429s, each after waiting out the window, that mean the daily budget is gone. */
  dailyExhaustionAfter?: number;
  resetTimeZone?: string;
  random?: () => number;
  onEvent?: (e: TransportEvent) => void;
  /** The adapter that really sends (axios's http adapter unless a test swaps it). */
  send?: AxiosAdapter;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const pathsOfUrls = new Map<string, string>();

/** The API path (`/api/v2/persons/1`), whatever prefix the company's API domain has. */
export function apiPathOf(url: string): string {
  // Remembered without the query (cursors, filters, maybe a token): the path does not depend on it.
  const q = url.indexOf('?');
  const key = q >= 0 ? url.slice(0, q) : url;
  let p = pathsOfUrls.get(key);
  if (p === undefined) {
    p = pathOf(key);
    if (pathsOfUrls.size >= 2_000) pathsOfUrls.clear();
    pathsOfUrls.set(key, p);
  }
  return p;
}

function pathOf(url: string): string {
  // The SDK's URLs are already plain (no dot segments, no escapes): cut the path out of the string.
  const end = url.search(/[?#]/);
  const raw = end >= 0 ? url.slice(0, end) : url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw);
  const start = scheme ? raw.indexOf('/', scheme[0].length) : 0;
  if (start >= 0 && !/%|\/\.\.?(\/|$)/.test(raw)) {
    const p = raw.slice(start);
    const j = p.search(/\/(api\/v\d|v1)\//);
    if (j >= 0) return p.slice(j);
  }
  const pathname = new URL(url, 'http://x').pathname;
  const i = pathname.search(/\/(api\/v\d|v1)\//);
  return i >= 0 ? pathname.slice(i) : pathname;
}

function headerGetter(res: AxiosResponse): (name: string) => string | undefined {
  return (name) => {
    const v = res.headers?.[name];
    return v === undefined || v === null ? undefined : String(v);
  };
}

function networkFailure(err: unknown): PipedriveFailure {
  const code = (err as { code?: string }).code;
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'network';
}

/** Reports one attempt's outcome (an unnamed function: no per-request naming cost under tsx). */
function eventSink(
  onEvent: (e: TransportEvent) => void,
  clock: Clock,
  what: { op: string; method: string; path: string },
  tokens: number,
  attempt: number,
  started: number,
): (status: number | null, failure?: PipedriveFailure) => void {
  return (status, failure) =>
    onEvent({
      ...what,
      tokens,
      attempt,
      status,
      durationMs: clock.now() - started,
      ...(failure ? { failure } : {}),
    });
}

export function createTransport(o: TransportOptions): AxiosAdapter {
  const send = o.send ?? (axios.getAdapter('http') as AxiosAdapter);
  const maxAttempts = o.maxAttempts ?? 6;
  const base = o.backoffBaseMs ?? 500;
  const cap = o.backoffMaxMs ?? 30_000;
  const exhaustedAfter = o.dailyExhaustionAfter ?? 5;
  const random = o.random ?? Math.random;
  const backoff = (attempt: number) => random() * Math.min(cap, base * 2 ** (attempt - 1));

  return async (config: InternalAxiosRequestConfig) => {
    const method = (config.method ?? 'get').toUpperCase();
    const path = apiPathOf(config.url ?? '');
    const { op, tokens, search } = costOf(method, path);
    const what = { op, method, path };
    const signal = (config.signal ?? undefined) as AbortSignal | undefined;
    const idempotent = IDEMPOTENT.has(method);
    let consecutive429 = 0;

    for (let attempt = 1; ; attempt++) {
      await o.budget?.reserve(tokens, what);
      const granted = await o.limiter.acquire(search, signal);
      const started = o.clock.now();
      const emit = o.onEvent ? eventSink(o.onEvent, o.clock, what, tokens, attempt, started) : undefined;

      let res: AxiosResponse;
      try {
        res = await send({ ...config, validateStatus: () => true });
      } catch (err) {
        o.limiter.answered(granted, search);
        if (axios.isCancel(err)) throw err;
        const failure = networkFailure(err);
        emit?.(null, failure);
        if (idempotent && attempt < maxAttempts) {
          await o.clock.sleep(backoff(attempt), signal);
          continue;
        }
        throw new PipedriveApiError({ failure, ...what, outcomeUnknown: !idempotent }, { cause: err });
      }

      o.limiter.answered(granted, search);
      const headers = parseRateHeaders(headerGetter(res));
      o.limiter.observe(headers);
      if (res.status >= 200 && res.status < 300) {
        emit?.(res.status);
        return res;
      }
      const failure = failureForStatus(res.status);
      emit?.(res.status, failure);

      if (res.status === 429) {
        o.budget?.refund(tokens);
        o.limiter.penalize(headers.resetSeconds);
        consecutive429++;
        if (consecutive429 >= exhaustedAfter) {
          throw new PipedriveApiError({
            failure: 'budget_exhausted',
            ...what,
            status: 429,
            outcomeUnknown: false,
            resumeAt: nextReset(o.clock.now(), o.resetTimeZone ?? 'UTC'),
          });
        }
        continue; // the limiter holds the next attempt until the window resets
      }
      consecutive429 = 0;
      const info = {
        failure,
        ...what,
        status: res.status,
        outcomeUnknown: failure === 'server_error' && !idempotent,
      };
      const message = pipedriveMessageOf(res.data);
      if (failure === 'server_error' && idempotent && attempt < maxAttempts) {
        await o.clock.sleep(backoff(attempt), signal);
        continue;
      }
      throw new PipedriveApiError(message === undefined ? info : { ...info, pipedriveMessage: message });
    }
  };
}
