// Everything one Pipedrive company holds in the sandbox. Record ids are per company and start at 1, as in
// a fresh Pipedrive company, so two companies reuse the same ids (a test of tenant isolation for free);
// user and company ids come from sandbox-wide sequences, as they are global in Pipedrive.
import { Prng } from '../random.ts';
import type { RefCheck } from './custom-values.ts';
import { FieldStore } from './fields.ts';
import { EntityStore } from './store.ts';
import type {
  ActivityRecord,
  CallLogRecord,
  FieldEntity,
  FileRecord,
  NoteRecord,
  OrganizationRecord,
  PersonRecord,
  Plan,
  UserRecord,
  WebhookRecord,
} from './types.ts';

export const ACTIVITY_TYPES = [
  { id: 1, key_string: 'call', name: 'Call', icon_key: 'call' },
  { id: 2, key_string: 'meeting', name: 'Meeting', icon_key: 'meeting' },
  { id: 3, key_string: 'task', name: 'Task', icon_key: 'task' },
  { id: 4, key_string: 'deadline', name: 'Deadline', icon_key: 'deadline' },
  { id: 5, key_string: 'email', name: 'Email', icon_key: 'email' },
  { id: 6, key_string: 'lunch', name: 'Lunch', icon_key: 'lunch' },
] as const;

export interface CompanyInfo {
  id: number;
  name: string;
  /** Subdomain, as in `https://<domain>.pipedrive.com`. */
  domain: string;
  plan: Plan;
  seats: number;
  /** Purchased API token top-ups, added to the daily budget. */
  topUpTokens: number;
  /** Replaces the budget formula when set (tests that need to exhaust a budget quickly). */
  dailyBudget: number | null;
  add_time: number;
}

interface Sequences {
  field: number;
  option: number;
  webhook: number;
  callLog: number;
}

export class Company implements RefCheck {
  readonly users = new Map<number, UserRecord>();
  readonly persons = new EntityStore<PersonRecord>();
  readonly organizations = new EntityStore<OrganizationRecord>();
  readonly activities = new EntityStore<ActivityRecord>();
  readonly notes = new EntityStore<NoteRecord>();
  readonly files = new EntityStore<FileRecord>();
  readonly callLogs = new Map<string, CallLogRecord>();
  readonly webhooks = new Map<number, WebhookRecord>();
  readonly fields: Record<FieldEntity, FieldStore>;
  readonly rng: Prng;
  private readonly seq: Sequences = { field: 0, option: 0, webhook: 0, callLog: 0 };

  constructor(
    readonly info: CompanyInfo,
    seed: number | string,
  ) {
    this.rng = new Prng(`${seed}:company:${info.id}`);
    const nextField = () => ++this.seq.field;
    this.fields = {
      person: new FieldStore('person', info.add_time, nextField),
      organization: new FieldStore('organization', info.add_time, nextField),
    };
  }

  get id(): number {
    return this.info.id;
  }

  nextOptionId = (): number => ++this.seq.option;
  nextWebhookId = (): number => ++this.seq.webhook;

  nextCallLogId(): string {
    this.seq.callLog += 1;
    // Call log ids are strings in Pipedrive.
    return `${this.seq.callLog.toString(16).padStart(8, '0')}${this.rng.hex(24)}`;
  }

  activeUsers(): UserRecord[] {
    return [...this.users.values()].filter((u) => u.active_flag);
  }

  userExists(id: number): boolean {
    return this.users.get(id)?.active_flag === true;
  }

  orgExists(id: number): boolean {
    return this.organizations.getLive(id) !== undefined;
  }

  personExists(id: number): boolean {
    return this.persons.getLive(id) !== undefined;
  }

  /** Drops records soft-deleted more than 30 days ago. */
  purge(now: number): void {
    this.persons.purge(now);
    this.organizations.purge(now);
    this.activities.purge(now);
    this.notes.purge(now);
    this.files.purge(now);
  }

  dump(): CompanyDump {
    return {
      info: { ...this.info },
      rng: this.rng.seedState,
      seq: { ...this.seq },
      users: [...this.users.values()],
      persons: this.persons.dump(),
      organizations: this.organizations.dump(),
      activities: this.activities.dump(),
      notes: this.notes.dump(),
      files: {
        seq: this.files.lastId,
        records: [...this.files.all()].map((f) => ({ ...f, content: f.content.toString('base64') })),
      },
      callLogs: [...this.callLogs.values()],
      webhooks: [...this.webhooks.values()],
      fields: { person: this.fields.person.dump(), organization: this.fields.organization.dump() },
    };
  }

  static load(dump: CompanyDump, seed: number | string): Company {
    const c = new Company(dump.info, seed);
    c.rng.seedState = dump.rng;
    Object.assign(c.seq, dump.seq);
    for (const u of dump.users) c.users.set(u.id, u);
    c.persons.load(dump.persons);
    c.organizations.load(dump.organizations);
    c.activities.load(dump.activities);
    c.notes.load(dump.notes);
    c.files.load({
      seq: dump.files.seq,
      records: dump.files.records.map((f) => ({ ...f, content: Buffer.from(f.content, 'base64') })),
    });
    for (const l of dump.callLogs) c.callLogs.set(l.id, l);
    for (const w of dump.webhooks) c.webhooks.set(w.id, w);
    c.fields.person.load(dump.fields.person);
    c.fields.organization.load(dump.fields.organization);
    return c;
  }
}

export interface CompanyDump {
  info: CompanyInfo;
  rng: number;
  seq: Sequences;
  users: UserRecord[];
  persons: { seq: number; records: PersonRecord[] };
  organizations: { seq: number; records: OrganizationRecord[] };
  activities: { seq: number; records: ActivityRecord[] };
  notes: { seq: number; records: NoteRecord[] };
  files: { seq: number; records: (Omit<FileRecord, 'content'> & { content: string })[] };
  callLogs: CallLogRecord[];
  webhooks: WebhookRecord[];
  fields: { person: ReturnType<FieldStore['dump']>; organization: ReturnType<FieldStore['dump']> };
}
