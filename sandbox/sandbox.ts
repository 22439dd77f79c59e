// The sandbox as a program sees it: companies and their credentials, the clock, settings, and the
// parts (limits, faults, webhooks, OAuth, request log) the HTTP app is built from. Tests, demo mode and
// benchmarks drive it through this object; the HTTP app is a thin layer over it.
import { type ClockOptions, SandboxClock } from './clock.ts';
import type { ChangeEvent, ChangeSource, WriteContext } from './entities/context.ts';
import { Faults } from './faults.ts';
import { HumanActions } from './human.ts';
import { Limits } from './limits/limits.ts';
import { OAuthStore } from './oauth-store.ts';
import { randomSeed, secretHex } from './random.ts';
import { RequestLog } from './request-log.ts';
import { defaultSettings, mergeSettings, type SandboxSettings, type SettingsPatch } from './settings.ts';
import { Company, type CompanyDump } from './state/company.ts';
import { PLANS, type Plan, type UserRecord } from './state/types.ts';
import { WebhookDispatcher } from './webhooks.ts';

export type SandboxMode = 'test' | 'demo' | 'plain';

export interface SandboxOptions {
  /** test and demo serve the /__sandbox inspection API; plain looks like Pipedrive only. */
  mode?: SandboxMode;
  clock?: ClockOptions | SandboxClock;
  /** Seeds field codes, fault injection and search scores (random when absent). */
  seed?: number | string;
  settings?: SettingsPatch;
}

export interface NewUser {
  name: string;
  email: string;
  isAdmin?: boolean;
  id?: number;
}

export interface NewCompany {
  id?: number;
  name: string;
  plan?: Plan;
  seats?: number;
  topUpTokens?: number;
  /** Daily token budget, replacing 30,000 × plan multiplier × seats + top-ups (default: the formula). */
  dailyBudget?: number | null;
  /** Subdomain (default: from the name). */
  domain?: string;
  /** Users (default: one admin). The first one owns the API token. */
  users?: NewUser[];
  /** The API token of the first user (default: random 40 hex). */
  apiToken?: string;
}

export interface AddedCompany {
  companyId: number;
  apiToken: string;
  users: UserRecord[];
}

interface TokenOwner {
  companyId: number;
  userId: number;
}

export class Sandbox {
  readonly mode: SandboxMode;
  readonly clock: SandboxClock;
  readonly seed: number | string;
  readonly companies = new Map<number, Company>();
  readonly requests: RequestLog;
  readonly limits: Limits;
  readonly faults: Faults;
  readonly webhooks: WebhookDispatcher;
  readonly oauth: OAuthStore;
  readonly human: HumanActions;
  /** Base URL once listening; also the `api_domain` handed out by OAuth. */
  baseUrl = '';
  private currentSettings: SandboxSettings;
  private readonly apiTokens = new Map<string, TokenOwner>();
  private readonly seq = { company: 1_000_000, user: 10_000_000 };
  private readonly changeListeners = new Set<() => void>();

  constructor(options: SandboxOptions = {}) {
    this.mode = options.mode ?? 'test';
    this.clock = options.clock instanceof SandboxClock ? options.clock : new SandboxClock(options.clock);
    this.seed = options.seed ?? randomSeed();
    this.currentSettings = mergeSettings(defaultSettings(), options.settings ?? {});
    this.requests = new RequestLog(() => this.currentSettings.requestLogSize);
    this.limits = new Limits(this);
    this.faults = new Faults(this);
    this.webhooks = new WebhookDispatcher(this);
    this.oauth = new OAuthStore(this);
    this.human = new HumanActions(this);
  }

  get settings(): SandboxSettings {
    return this.currentSettings;
  }

  updateSettings(patch: SettingsPatch | Record<string, unknown>): SandboxSettings {
    this.currentSettings = mergeSettings(this.currentSettings, patch);
    this.changed();
    return this.currentSettings;
  }

  addCompany(input: NewCompany): AddedCompany {
    const id = input.id ?? this.nextCompanyId();
    if (this.companies.has(id)) throw new Error(`company ${id} already exists`);
    if (input.plan && !PLANS.includes(input.plan)) throw new Error(`unknown plan ${input.plan}`);
    const seats = input.seats ?? 1;
    if (!Number.isInteger(seats) || seats < 1) throw new Error('seats must be a positive integer');
    if (input.apiToken !== undefined && this.apiTokens.has(input.apiToken))
      throw new Error('that API token is already in use');
    this.seq.company = Math.max(this.seq.company, id);
    const now = this.clock.now();
    const company = new Company(
      {
        id,
        name: input.name,
        domain: input.domain ?? slug(input.name, id),
        plan: input.plan ?? 'growth',
        seats,
        topUpTokens: input.topUpTokens ?? 0,
        dailyBudget: input.dailyBudget ?? null,
        add_time: now,
      },
      this.seed,
    );
    this.companies.set(id, company);
    const users = (
      input.users?.length
        ? input.users
        : [{ name: 'Admin', email: `admin@${company.info.domain}.example`, isAdmin: true }]
    ).map((u, i) => this.addUser(id, { ...u, isAdmin: u.isAdmin ?? i === 0 }));
    const apiToken = this.createApiToken(id, users[0]!.id, input.apiToken);
    this.changed();
    return { companyId: id, apiToken, users };
  }

  updateCompany(
    companyId: number,
    patch: Partial<Pick<NewCompany, 'name' | 'plan' | 'seats' | 'topUpTokens'>>,
  ): void {
    const company = this.company(companyId);
    if (patch.plan !== undefined && !PLANS.includes(patch.plan))
      throw new Error(`unknown plan ${patch.plan}`);
    if (patch.seats !== undefined && (!Number.isInteger(patch.seats) || patch.seats < 1))
      throw new Error('seats must be a positive integer');
    Object.assign(company.info, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    this.changed();
  }

  addUser(companyId: number, input: NewUser): UserRecord {
    const company = this.company(companyId);
    const id = input.id ?? ++this.seq.user;
    this.seq.user = Math.max(this.seq.user, id);
    for (const c of this.companies.values()) {
      if (c.users.has(id)) throw new Error(`user ${id} already exists`);
    }
    const now = this.clock.now();
    const user: UserRecord = {
      id,
      name: input.name,
      email: input.email,
      active_flag: true,
      is_admin: input.isAdmin ?? false,
      created: now,
      modified: now,
      last_login: now,
      timezone_name: 'Europe/Tallinn',
      timezone_offset: '+02:00',
      locale: 'en_US',
      lang: 1,
      default_currency: 'EUR',
      phone: null,
      role_id: 1,
      icon_url: null,
    };
    company.users.set(id, user);
    this.changed();
    return user;
  }

  /** A personal API token for a user (Pipedrive: 40 hex characters). */
  createApiToken(companyId: number, userId: number, token = secretHex(20)): string {
    const company = this.company(companyId);
    if (!company.users.has(userId)) throw new Error(`user ${userId} is not in company ${companyId}`);
    if (this.apiTokens.has(token)) throw new Error('that API token is already in use');
    this.apiTokens.set(token, { companyId, userId });
    this.changed();
    return token;
  }

  /** The API tokens of a company's user (oldest first). */
  apiTokensOf(companyId: number, userId: number): string[] {
    return [...this.apiTokens.entries()]
      .filter(([, o]) => o.companyId === companyId && o.userId === userId)
      .map(([token]) => token);
  }

  resolveApiToken(token: string): TokenOwner | undefined {
    return this.apiTokens.get(token);
  }

  company(companyId: number): Company {
    const c = this.companies.get(companyId);
    if (!c) throw new Error(`no company ${companyId} in the sandbox`);
    return c;
  }

  /** A deep copy of everything a company holds, for assertions. */
  state(companyId: number): CompanyDump {
    return structuredClone(this.company(companyId).dump());
  }

  /** Tokens used today, the budget, and when it resets. */
  usage(companyId: number) {
    return this.limits.usage(this.company(companyId));
  }

  writeContext(
    company: Company,
    userId: number,
    source: ChangeSource,
    clientId: string | null,
  ): WriteContext {
    const now = this.clock.now();
    company.purge(now);
    return {
      company,
      now,
      userId,
      source,
      clientId,
      emit: (event: ChangeEvent) => {
        this.webhooks.dispatch(event);
        this.changed();
      },
    };
  }

  /** Called after every change; demo mode persists the snapshot from here. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  changed(): void {
    for (const l of this.changeListeners) l();
  }

  /** Forgets every company, credential, OAuth app, log entry and usage counter. Settings stay. */
  reset(): void {
    this.clearAll();
    this.changed();
  }

  private clearAll(): void {
    this.companies.clear();
    this.apiTokens.clear();
    this.oauth.clear();
    this.requests.clear();
    this.limits.clear();
    this.webhooks.clear();
    this.faults.clear();
  }

  dump(): SandboxDump {
    return {
      version: 1,
      seq: { ...this.seq },
      settings: this.currentSettings,
      companies: [...this.companies.values()].map((c) => c.dump()),
      apiTokens: [...this.apiTokens.entries()].map(([token, o]) => ({ token, ...o })),
      oauth: this.oauth.dump(),
    };
  }

  load(dump: SandboxDump): void {
    if (dump.version !== 1) throw new Error(`unsupported sandbox snapshot version ${String(dump.version)}`);
    this.clearAll();
    Object.assign(this.seq, dump.seq);
    this.currentSettings = mergeSettings(defaultSettings(), dump.settings);
    for (const c of dump.companies) this.companies.set(c.info.id, Company.load(c, this.seed));
    for (const t of dump.apiTokens) this.apiTokens.set(t.token, { companyId: t.companyId, userId: t.userId });
    this.oauth.load(dump.oauth);
  }

  close(): void {
    this.webhooks.close();
    this.faults.close();
    this.clock.close();
  }

  private nextCompanyId(): number {
    this.seq.company += 1;
    return this.seq.company;
  }
}

export interface SandboxDump {
  version: number;
  seq: { company: number; user: number };
  settings: SandboxSettings;
  companies: CompanyDump[];
  apiTokens: { token: string; companyId: number; userId: number }[];
  oauth: ReturnType<OAuthStore['dump']>;
}

function slug(name: string, id: number): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s || `company-${id}`;
}
