// A person clicking around Pipedrive's web app: edits, deletes and merges that our app did not make.
// They go through the same rules as API writes but are not metered, and their webhooks say
// `change_source: "app"`, which is how rollback and delta sync recognise a human's hand.
import { createActivity, deleteActivity, updateActivity } from './entities/activities.ts';
import { type EventEntity, emitChange, snapshot, type WriteContext } from './entities/context.ts';
import { createNote, deleteNote, updateNote } from './entities/notes.ts';
import { createOrganization, deleteOrganization, updateOrganization } from './entities/organizations.ts';
import { createPerson, deletePerson, livePerson, updatePerson } from './entities/persons.ts';
import type { Sandbox } from './sandbox.ts';
import type { ContactValue } from './state/types.ts';

export interface HumanOptions {
  /** Who clicks (default: the company's first active admin). */
  userId?: number;
}

export class HumanActions {
  constructor(private readonly sandbox: Sandbox) {}

  create(companyId: number, entity: EventEntity, body: unknown, opts: HumanOptions = {}): { id: number } {
    const ctx = this.ctx(companyId, opts);
    const record =
      entity === 'person'
        ? createPerson(ctx, body)
        : entity === 'organization'
          ? createOrganization(ctx, body)
          : entity === 'activity'
            ? createActivity(ctx, body)
            : createNote(ctx, body);
    return { id: record.id };
  }

  /** `changes` in the API's own shape (v2 for persons, organizations, activities; v1 for notes). */
  update(
    companyId: number,
    entity: EventEntity,
    id: number,
    changes: unknown,
    opts: HumanOptions = {},
  ): void {
    const ctx = this.ctx(companyId, opts);
    if (entity === 'person') updatePerson(ctx, id, changes);
    else if (entity === 'organization') updateOrganization(ctx, id, changes);
    else if (entity === 'activity') updateActivity(ctx, id, changes);
    else updateNote(ctx, id, changes);
  }

  delete(companyId: number, entity: EventEntity, id: number, opts: HumanOptions = {}): void {
    const ctx = this.ctx(companyId, opts);
    if (entity === 'person') deletePerson(ctx, id);
    else if (entity === 'organization') deleteOrganization(ctx, id);
    else if (entity === 'activity') deleteActivity(ctx, id);
    else deleteNote(ctx, id);
  }

  /**
   * Merges person `fromId` into `intoId` as the web app does: the survivor keeps its own values, gains the
   * other's emails, phones and empty custom fields, and inherits its notes, files and activities; the
   * merged person is deleted. Webhooks v2 have no "merged" action: a delete (meta.merged_to_id) and a
   * change (meta.merged_from_id) are sent instead.
   */
  mergePersons(companyId: number, fromId: number, intoId: number, opts: HumanOptions = {}): void {
    if (fromId === intoId) throw new Error('cannot merge a person into itself');
    const ctx = this.ctx(companyId, opts);
    const { company } = ctx;
    const from = livePerson(company, fromId);
    const into = livePerson(company, intoId);
    const before = snapshot(into);
    const addMissing = (mine: ContactValue[], theirs: ContactValue[]) => [
      ...mine,
      ...theirs
        .filter((t) => !mine.some((m) => m.value.toLowerCase() === t.value.toLowerCase()))
        .map((t) => ({ ...t, primary: false })),
    ];
    into.emails = addMissing(into.emails, from.emails);
    into.phones = addMissing(into.phones, from.phones);
    for (const [code, value] of Object.entries(from.custom_fields)) {
      if (into.custom_fields[code] === undefined) into.custom_fields[code] = value;
    }
    if (into.org_id === null) into.org_id = from.org_id;
    into.update_time = ctx.now;
    for (const n of company.notes.live()) if (n.person_id === fromId) n.person_id = intoId;
    for (const f of company.files.live()) if (f.person_id === fromId) f.person_id = intoId;
    for (const a of company.activities.live()) {
      for (const p of a.participants) if (p.person_id === fromId) p.person_id = intoId;
    }
    deletePerson(ctx, fromId, { merged_to_id: String(intoId) });
    emitChange(ctx, 'person', 'change', intoId, before, into, { merged_from_id: String(fromId) });
  }

  private ctx(companyId: number, opts: HumanOptions): WriteContext {
    const company = this.sandbox.company(companyId);
    const userId =
      opts.userId ?? company.activeUsers().find((u) => u.is_admin)?.id ?? company.activeUsers()[0]?.id;
    if (userId === undefined || !company.userExists(userId))
      throw new Error(`no active user to act in company ${companyId}`);
    return this.sandbox.writeContext(company, userId, 'app', null);
  }
}
