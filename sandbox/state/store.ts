// One entity type of one company: records by id in creation (= id) order, with Pipedrive's soft delete.
import type { SoftDeletable } from './types.ts';

/** Soft-deleted records are kept 30 days, then purged for good (API v2 migration guide). */
export const PURGE_AFTER_MS = 30 * 24 * 3600 * 1000;

export class EntityStore<T extends SoftDeletable> {
  private readonly byId = new Map<number, T>();
  /** Ids in ascending order (ids only grow), for cursor paging without sorting. */
  private order: number[] = [];
  /** Ids in the order they were deleted, so purging never scans the whole store. */
  private deletedQueue: number[] = [];
  private seq = 0;

  nextId(): number {
    this.seq += 1;
    return this.seq;
  }

  get lastId(): number {
    return this.seq;
  }

  insert(record: T): T {
    if (this.byId.has(record.id)) throw new Error(`duplicate id ${record.id}`);
    if (record.id > this.seq) this.seq = record.id;
    this.byId.set(record.id, record);
    const last = this.order[this.order.length - 1];
    if (last === undefined || record.id > last) this.order.push(record.id);
    else {
      this.order.push(record.id);
      this.order.sort((a, b) => a - b);
    }
    if (record.deleted_at !== null) this.deletedQueue.push(record.id);
    return record;
  }

  /** Any record still stored, deleted or not. */
  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  /** A record that is not deleted. */
  getLive(id: number): T | undefined {
    const r = this.byId.get(id);
    return r && r.deleted_at === null ? r : undefined;
  }

  markDeleted(id: number, now: number): void {
    const r = this.byId.get(id);
    if (!r || r.deleted_at !== null) return;
    r.deleted_at = now;
    r.update_time = now;
    this.deletedQueue.push(id);
  }

  /** Removes a record for good (merges and purges). */
  remove(id: number): void {
    if (!this.byId.delete(id)) return;
    this.order = this.order.filter((x) => x !== id);
    this.deletedQueue = this.deletedQueue.filter((x) => x !== id);
  }

  /** Drops records deleted more than 30 days before `now`. */
  purge(now: number): number {
    let purged = 0;
    while (this.deletedQueue.length > 0) {
      const id = this.deletedQueue[0]!;
      const r = this.byId.get(id);
      if (r && r.deleted_at !== null && r.deleted_at + PURGE_AFTER_MS > now) break;
      this.deletedQueue.shift();
      if (r && r.deleted_at !== null) {
        this.byId.delete(id);
        purged += 1;
      }
    }
    if (purged > 0) this.order = this.order.filter((id) => this.byId.has(id));
    return purged;
  }

  /** Every stored record in id order, deleted ones included. */
  *all(): IterableIterator<T> {
    for (const id of this.order) {
      const r = this.byId.get(id);
      if (r) yield r;
    }
  }

  *live(): IterableIterator<T> {
    for (const r of this.all()) if (r.deleted_at === null) yield r;
  }

  get size(): number {
    return this.byId.size;
  }

  /** For snapshots. */
  dump(): { seq: number; records: T[] } {
    return { seq: this.seq, records: [...this.all()] };
  }

  load(dump: { seq: number; records: T[] }): void {
    this.byId.clear();
    this.order = [];
    this.deletedQueue = [];
    for (const r of dump.records) this.insert(r);
    this.deletedQueue.sort(
      (a, b) => (this.byId.get(a)?.deleted_at ?? 0) - (this.byId.get(b)?.deleted_at ?? 0),
    );
    this.seq = Math.max(this.seq, dump.seq);
  }
}
