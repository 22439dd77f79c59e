// Where a company's Pipedrive is and how we authenticate there. Local mode: one company with an API token
// (the sandbox's in demo mode). Marketplace mode: the installation's OAuth tokens (tenants/ supplies a
// resolver). Everything else asks `openClient` for a budgeted, rate-limited client.
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import {
  type ClientDeps,
  createPipedriveClient,
  type LimiterRegistry,
  type PipedriveClient,
  type PipedriveConnection,
} from './client.ts';
import { type BudgetPolicy, TokenBudget } from './token-budget.ts';
import { tokenUsageStore } from './token-usage.repository.ts';
import type { TransportEvent } from './transport.ts';

export type ConnectionResolver = (companyId: number) => Promise<PipedriveConnection>;

/** Where local mode writes: the in-process sandbox (demo mode) or a real company with an API token. */
export interface LocalPipedrive {
  /** API domain: v2 at `${apiUrl}/api/v2`, v1 at `${apiUrl}/api/v1`. */
  apiUrl: string;
  apiToken: string;
  target: 'sandbox' | 'pipedrive';
}

/** Local mode: the one local company, on the configured (or sandbox) API domain with an API token. */
export function localConnections(localCompanyId: number, local: LocalPipedrive): ConnectionResolver {
  return async (companyId) => {
    if (companyId !== localCompanyId) {
      throw new NotFoundError(
        'pipedrive_connection_not_found',
        `No Pipedrive connection for company ${companyId}`,
      );
    }
    return {
      companyId,
      apiUrl: local.apiUrl.replace(/\/+$/, ''),
      auth: { kind: 'apiToken', token: local.apiToken },
    };
  };
}

export interface PipedriveServices {
  db: Knex;
  clock: Clock;
  limiters: LimiterRegistry;
  connections: ConnectionResolver;
  timeoutMs?: number;
}

export interface OpenClientOptions {
  /** Without a policy nothing is budgeted (reads for a preview, say); runs always pass one. */
  budget?: BudgetPolicy;
  onEvent?: (e: TransportEvent) => void;
  transport?: ClientDeps['transport'];
}

export interface OpenClient {
  client: PipedriveClient;
  budget: TokenBudget | undefined;
  /** Writes the budget's pending accounting; call when a job pauses or ends. */
  close(): Promise<void>;
}

export async function openClient(
  s: PipedriveServices,
  companyId: number,
  o: OpenClientOptions = {},
): Promise<OpenClient> {
  const conn = await s.connections(companyId);
  const budget = o.budget ? new TokenBudget(companyId, o.budget, tokenUsageStore(s.db), s.clock) : undefined;
  const client = createPipedriveClient(conn, {
    clock: s.clock,
    limiters: s.limiters,
    ...(budget ? { budget } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.transport ? { transport: o.transport } : {}),
    ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
  });
  return { client, budget, close: async () => budget?.flush() };
}
