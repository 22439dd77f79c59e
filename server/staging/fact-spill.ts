// Grouping millions of facts by Actimo id in bounded memory: facts are hash-partitioned by id into
// bucket files on disk (NDJSON), then each bucket is grouped in memory on its own. Every fact of one id
// lands in the same bucket, whatever its kind, so a person, its company links and its metrics are
// reduced together. Deterministic: groups come out in bucket order, ids sorted within a bucket, facts of
// one id oldest first.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Fact, FactKind, FactPayload } from './facts.ts';

/** About this many facts per bucket: the most consolidation holds in memory at once. */
export const FACTS_PER_BUCKET = 5_000;
const FLUSH_CHARS = 1 << 14;

export interface FactGroup {
  kind: FactKind;
  key: string;
  facts: FactPayload[];
}

function bucketOf(key: string, buckets: number): number {
  // FNV-1a: stable across runs and platforms.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

export class FactSpill {
  private readonly buffers: string[];
  private readonly streams: Array<WriteStream | undefined>;
  private seq = 0;

  private constructor(
    private readonly dir: string,
    private readonly buckets: number,
  ) {
    this.buffers = Array(buckets).fill('');
    this.streams = Array(buckets).fill(undefined);
  }

  static async open(tempRoot: string, expectedFacts: number): Promise<FactSpill> {
    const dir = path.join(tempRoot, `consolidate-${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return new FactSpill(dir, Math.max(1, Math.ceil(expectedFacts / FACTS_PER_BUCKET)));
  }

  async add(facts: readonly Fact[]): Promise<void> {
    for (const f of facts) {
      const b = bucketOf(f.key, this.buckets);
      // [kind, key, recency, seq, payload]: seq keeps the arrival order for equal recency.
      this.buffers[b] += `${JSON.stringify([f.kind, f.key, f.recency, this.seq++, f.payload])}\n`;
      if (this.buffers[b]!.length >= FLUSH_CHARS) await this.flush(b);
    }
  }

  private async flush(b: number): Promise<void> {
    const text = this.buffers[b]!;
    if (!text) return;
    this.buffers[b] = '';
    let s = this.streams[b];
    if (!s) {
      s = createWriteStream(path.join(this.dir, `${b}.ndjson`));
      this.streams[b] = s;
    }
    if (!s.write(text)) await once(s, 'drain');
  }

  /** Yields each bucket's groups (all kinds); call once, after the last add. */
  async *groups(): AsyncGenerator<FactGroup[]> {
    for (let b = 0; b < this.buckets; b++) await this.flush(b);
    for (const s of this.streams) {
      if (!s) continue;
      s.end();
      await once(s, 'finish');
    }
    for (let b = 0; b < this.buckets; b++) {
      if (!this.streams[b]) continue;
      const groups = new Map<
        string,
        { kind: FactKind; key: string; facts: Array<[string, number, FactPayload]> }
      >();
      const lines = createInterface({
        input: createReadStream(path.join(this.dir, `${b}.ndjson`)),
        crlfDelay: Infinity,
      });
      for await (const line of lines) {
        const [kind, key, recency, seq, payload] = JSON.parse(line) as [
          FactKind,
          string,
          string,
          number,
          FactPayload,
        ];
        const id = `${kind}\u0000${key}`;
        let g = groups.get(id);
        if (!g) {
          g = { kind, key, facts: [] };
          groups.set(id, g);
        }
        g.facts.push([recency, seq, payload]);
      }
      const out: FactGroup[] = [...groups.values()]
        .sort((a, c) => (a.key < c.key ? -1 : a.key > c.key ? 1 : 0))
        .map((g) => ({
          kind: g.kind,
          key: g.key,
          facts: g.facts.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1])).map((f) => f[2]),
        }));
      groups.clear();
      yield out;
    }
  }

  async close(): Promise<void> {
    for (const s of this.streams) s?.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
