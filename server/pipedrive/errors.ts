// Pipedrive failures as typed values. The SDK rejects with the parsed body (no status) or an AxiosError;
// our transport turns every failure into a PipedriveApiError before the SDK sees it, so callers branch on
// `failure` and `outcomeUnknown` instead of sniffing bodies.
import { AppError, type ErrorKind } from '../errors.ts';

export type PipedriveFailure =
  | 'rate_limited'
  | 'budget_exhausted'
  | 'unauthorized'
  | 'payment_required'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'validation'
  | 'conflict'
  | 'server_error'
  | 'network'
  | 'timeout';

export interface PipedriveErrorInfo {
  failure: PipedriveFailure;
  op: string;
  method: string;
  path: string;
  status?: number;
  /** Pipedrive's own message from the error envelope (`error`), if any. */
  pipedriveMessage?: string;
  /**
   * True when a write may or may not have been applied (timeout, dropped connection, 5xx on a POST).
   * The caller must look the record up before retrying, or it may create a duplicate.
   */
  outcomeUnknown: boolean;
  /** For budget exhaustion: when Pipedrive's daily budget resets (epoch ms). */
  resumeAt?: number;
}

function kindFor(failure: PipedriveFailure): ErrorKind {
  if (failure === 'rate_limited' || failure === 'budget_exhausted') return 'rate_limited';
  return 'upstream';
}

function describe(i: PipedriveErrorInfo): string {
  const what = `Pipedrive ${i.method} ${i.path}`;
  const detail = i.pipedriveMessage ? `: ${i.pipedriveMessage}` : '';
  switch (i.failure) {
    case 'budget_exhausted':
      return `Pipedrive's daily API token budget is used up for this company${i.resumeAt ? ` until ${new Date(i.resumeAt).toISOString()}` : ''}`;
    case 'network':
    case 'timeout':
      return `${what} failed (${i.failure})${i.outcomeUnknown ? '; it may or may not have been applied' : ''}`;
    default:
      return `${what} answered ${i.status ?? '?'}${detail}`;
  }
}

export class PipedriveApiError extends AppError {
  override name = 'PipedriveApiError';
  readonly info: PipedriveErrorInfo;
  constructor(info: PipedriveErrorInfo, options?: { cause?: unknown }) {
    super(kindFor(info.failure), `pipedrive_${info.failure}`, describe(info), undefined, options);
    this.info = info;
  }
  get failure(): PipedriveFailure {
    return this.info.failure;
  }
  get outcomeUnknown(): boolean {
    return this.info.outcomeUnknown;
  }
}

export function isPipedriveError(e: unknown, failure?: PipedriveFailure): e is PipedriveApiError {
  return e instanceof PipedriveApiError && (failure === undefined || e.info.failure === failure);
}

export function failureForStatus(status: number): PipedriveFailure {
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'payment_required';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 410) return 'gone';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'validation';
}

/** Pipedrive's error envelope: `{success:false, error:"…", error_info?, errorCode?}`; Cloudflare may send HTML. */
export function pipedriveMessageOf(raw: unknown): string | undefined {
  // Inside the transport the body is still the raw text: axios parses JSON after the adapter.
  let body = raw;
  if (typeof raw === 'string' && /^\s*[{[]/.test(raw)) {
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
  }
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (typeof e === 'string') return e.slice(0, 500);
    if (typeof e === 'object' && e !== null) return JSON.stringify(e).slice(0, 500);
  }
  if (typeof body === 'string' && body.trim().startsWith('<')) return 'non-JSON (HTML) error page';
  return undefined;
}
