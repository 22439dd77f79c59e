// The Pipedrive sandbox in-process on port 0, with the official SDK's clients pointed at it. The SDK
// resolves to the body and rejects with the body, hiding status and headers; `raw()` uses fetch for
// assertions on those.
import { v1, v2 } from 'pipedrive';
import { type RunningSandbox, type StartSandboxOptions, startSandbox } from '../../sandbox/index.ts';
import type { NewCompany } from '../../sandbox/sandbox.ts';

export const T0 = '2026-03-02T09:00:00Z';

export function sdkClients(url: string, auth: { apiKey: string } | { accessToken: string }) {
  const c2 = new v2.Configuration({ ...auth, basePath: `${url}/api/v2` });
  const c1 = new v1.Configuration({ ...auth, basePath: `${url}/api/v1` });
  return {
    persons: new v2.PersonsApi(c2),
    organizations: new v2.OrganizationsApi(c2),
    personFields: new v2.PersonFieldsApi(c2),
    organizationFields: new v2.OrganizationFieldsApi(c2),
    activities: new v2.ActivitiesApi(c2),
    notes: new v1.NotesApi(c1),
    files: new v1.FilesApi(c1),
    users: new v1.UsersApi(c1),
    webhooks: new v1.WebhooksApi(c1),
    callLogs: new v1.CallLogsApi(c1),
    v1PersonFields: new v1.PersonFieldsApi(c1),
    v1OrganizationFields: new v1.OrganizationFieldsApi(c1),
    activityTypes: new v1.ActivityTypesApi(c1),
  };
}

export type Clients = ReturnType<typeof sdkClients>;

export interface TestSandbox extends RunningSandbox {
  companyId: number;
  apiToken: string;
  adminId: number;
  pd: Clients;
  /** fetch against the sandbox with the company's API token; returns status, headers and JSON body. */
  raw(path: string, init?: RequestInit & { token?: string | null }): Promise<RawResponse>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function startTestSandbox(
  options: StartSandboxOptions & { company?: NewCompany } = {},
): Promise<TestSandbox> {
  const running = await startSandbox({ clock: { start: T0, frozen: true }, seed: 'test', ...options });
  const added = running.sandbox.addCompany(options.company ?? { name: 'Acme HR', plan: 'growth', seats: 3 });
  const raw = async (
    path: string,
    init: RequestInit & { token?: string | null } = {},
  ): Promise<RawResponse> => {
    const { token = added.apiToken, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null && !headers.has('authorization')) headers.set('x-api-token', token);
    if (typeof rest.body === 'string' && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    const res = await fetch(`${running.url}${path}`, { ...rest, headers });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (HTML error pages, downloads)
    }
    return { status: res.status, headers: res.headers, body };
  };
  return {
    ...running,
    companyId: added.companyId,
    apiToken: added.apiToken,
    adminId: added.users[0]!.id,
    pd: sdkClients(running.url, { apiKey: added.apiToken }),
    raw,
  };
}

/** What an SDK call rejected with (the SDK rejects with the parsed body, or an AxiosError). */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail, and it succeeded');
}
