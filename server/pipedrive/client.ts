// One SDK client per company and job, never a shared, mutated singleton (a cross-tenant token leak in
// Pipedrive's own example apps). Every API class shares one transport, so every call is budgeted,
// rate-limited, retried and typed the same way.
import { createHash } from 'node:crypto';
import { v1, v2 } from 'pipedrive';
import type { Clock } from '../clock.ts';
import { BURST_LIMITS, BurstLimiter, type BurstLimiterOptions, type PipedrivePlan } from './rate-limiter.ts';
import type { TokenBudget } from './token-budget.ts';
import { createTransport, type TransportEvent, type TransportOptions } from './transport.ts';

export type PipedriveAuth =
  | { kind: 'apiToken'; token: string }
  | { kind: 'oauth'; userId: number; accessToken: () => Promise<string> };

export interface PipedriveConnection {
  companyId: number;
  /** The company's API domain, e.g. https://acme.pipedrive.com (no trailing slash). */
  apiUrl: string;
  auth: PipedriveAuth;
  /** The plan, when known, gives the first burst limit before Pipedrive's headers tell us. */
  plan?: PipedrivePlan;
}

export interface PipedriveClient {
  readonly companyId: number;
  readonly limiter: BurstLimiter;
  readonly persons: v2.PersonsApi;
  readonly organizations: v2.OrganizationsApi;
  readonly personFields: v2.PersonFieldsApi;
  readonly organizationFields: v2.OrganizationFieldsApi;
  readonly activities: v2.ActivitiesApi;
  readonly notes: v1.NotesApi;
  readonly files: v1.FilesApi;
  readonly users: v1.UsersApi;
  readonly webhooks: v1.WebhooksApi;
  readonly callLogs: v1.CallLogsApi;
  readonly activityTypes: v1.ActivityTypesApi;
}

/** The burst window is per token: clients for the same token share one limiter. */
export class LimiterRegistry {
  private readonly limiters = new Map<string, BurstLimiter>();
  constructor(
    private readonly clock: Clock,
    private readonly options: Partial<Omit<BurstLimiterOptions, 'limit' | 'clock'>> = {},
  ) {}

  for(conn: PipedriveConnection): BurstLimiter {
    const key = limiterKey(conn);
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new BurstLimiter({ ...this.options, limit: initialLimit(conn), clock: this.clock });
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}

/** Identifies the token's burst window without keeping the token itself. */
export function limiterKey(conn: PipedriveConnection): string {
  if (conn.auth.kind === 'oauth') return `oauth:${conn.companyId}:${conn.auth.userId}`;
  return `token:${createHash('sha256').update(conn.auth.token).digest('hex').slice(0, 16)}`;
}

function initialLimit(conn: PipedriveConnection): number {
  const kind = conn.auth.kind === 'oauth' ? 'oauth' : 'apiToken';
  // Unknown plan: start at the lowest limit for the auth type; the first response's headers correct it.
  return BURST_LIMITS[conn.plan ?? 'lite'][kind];
}

export interface ClientDeps {
  clock: Clock;
  limiters: LimiterRegistry;
  budget?: TokenBudget;
  timeoutMs?: number;
  onEvent?: (e: TransportEvent) => void;
  transport?: Partial<Omit<TransportOptions, 'limiter' | 'clock' | 'budget' | 'onEvent'>>;
}

export function createPipedriveClient(conn: PipedriveConnection, deps: ClientDeps): PipedriveClient {
  const limiter = deps.limiters.for(conn);
  const adapter = createTransport({
    ...deps.transport,
    limiter,
    clock: deps.clock,
    ...(deps.budget ? { budget: deps.budget } : {}),
    ...(deps.onEvent ? { onEvent: deps.onEvent } : {}),
  });
  const baseOptions = { timeout: deps.timeoutMs ?? 30_000, adapter };
  const auth =
    conn.auth.kind === 'apiToken' ? { apiKey: conn.auth.token } : { accessToken: conn.auth.accessToken };
  const cfg2 = new v2.Configuration({ ...auth, basePath: `${conn.apiUrl}/api/v2` });
  const cfg1 = new v1.Configuration({ ...auth, basePath: `${conn.apiUrl}/api/v1` });
  // The SDK resets baseOptions in the constructor but merges it into every request.
  cfg2.baseOptions = baseOptions;
  cfg1.baseOptions = baseOptions;
  return {
    companyId: conn.companyId,
    limiter,
    persons: new v2.PersonsApi(cfg2),
    organizations: new v2.OrganizationsApi(cfg2),
    personFields: new v2.PersonFieldsApi(cfg2),
    organizationFields: new v2.OrganizationFieldsApi(cfg2),
    activities: new v2.ActivitiesApi(cfg2),
    notes: new v1.NotesApi(cfg1),
    files: new v1.FilesApi(cfg1),
    users: new v1.UsersApi(cfg1),
    webhooks: new v1.WebhooksApi(cfg1),
    callLogs: new v1.CallLogsApi(cfg1),
    activityTypes: new v1.ActivityTypesApi(cfg1),
  };
}

/** Walks a v2 cursor-paged list (`additional_data.next_cursor`, null at the end), 500 per page. */
export async function* pages<T>(
  fetchPage: (
    cursor: string | undefined,
  ) => Promise<{ data?: T[] | null; additional_data?: { next_cursor?: string | null } | null }>,
): AsyncGenerator<T[], void, void> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield page.data ?? [];
    cursor = page.additional_data?.next_cursor ?? undefined;
  } while (cursor);
}

/** Walks a v1 offset-paged list (`additional_data.pagination.more_items_in_collection`). */
export async function* pagesV1<T>(
  fetchPage: (start: number) => Promise<{
    data?: T[] | null;
    additional_data?: { pagination?: { more_items_in_collection?: boolean; next_start?: number } } | null;
  }>,
): AsyncGenerator<T[], void, void> {
  let start = 0;
  for (;;) {
    const page = await fetchPage(start);
    const data = page.data ?? [];
    yield data;
    const p = page.additional_data?.pagination;
    if (!p?.more_items_in_collection) return;
    start = p.next_start ?? start + data.length;
  }
}
