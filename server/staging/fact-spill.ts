// Grouping millions of facts by Actimo id in bounded memory: facts are hash-partitioned by id into
// bucket files on disk (NDJSON), then each bucket is grouped in memory on its own. Every fact of one id
// lands in the same bucket, whatever its kind, so a person, its company links and its metrics are
// reduced together. Deterministic: groups come out in bucket order, ids sorted within a bucket, facts of
// one id oldest first.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Fact, FactKind, FactPayload } from './facts.ts';
import type { Provenance, StagedScalar } from './vocabulary.ts';

/**
 * About this many facts per bucket. Consolidation holds two buckets at once (one being written while the
 * next is reduced), so this was halved from 5,000 when that overlap came in, keeping peak RSS where it was.
 */
export const FACTS_PER_BUCKET = 2_500;
/**
 * Characters buffered per bucket before a write: buckets × this is what the spill holds in memory (a
 * million users make about 1,400 buckets).
 */
const FLUSH_CHARS = 1 << 13;

export interface FactGroup {
  kind: FactKind;
  key: string;
  facts: FactPayload[];
}

/**
 * A fact on disk: [kind, key, when, seq, sub, values, columns, issues, fileId, row]. seq keeps the
 * arrival order for equal recency. Field names are numbered once per spill: values are written as
 * [field, value, field, value, …]. A value's provenance is almost always its own row's [fileId, row,
 * column], so only the column is written, as [field, column, …]; any other provenance is written whole.
 */
type SpilledFact = [
  FactKind,
  string,
  string,
  number,
  FactPayload['sub'],
  Array<number | StagedScalar>,
  Array<number | Provenance>,
  FactPayload['i'],
  number,
  number,
];

/** One id's fact with what orders it among the id's others. */
interface Ordered {
  when: string;
  fileId: number;
  row: number;
  seq: number;
  payload: FactPayload;
}

/**
 * Older before newer: by the row's own timestamp (a row without one counts as newer than any with one),
 * then by file (later upload = newer), then by row, then by arrival.
 */
function byRecency(a: Ordered, b: Ordered): number {
  if (a.when !== b.when) {
    // Compared with a terminator, so '' (no timestamp) sorts after every date.
    const x = `${a.when}|`;
    const y = `${b.when}|`;
    return x < y ? -1 : 1;
  }
  return a.fileId - b.fileId || a.row - b.row || a.seq - b.seq;
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
  private readonly fieldIds = new Map<string, number>();
  private readonly fieldNames: string[] = [];

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
      this.buffers[b] += `${JSON.stringify(this.encode(f, this.seq++))}\n`;
      if (this.buffers[b]!.length >= FLUSH_CHARS) await this.flush(b);
    }
  }

  private fieldId(name: string): number {
    let id = this.fieldIds.get(name);
    if (id === undefined) {
      id = this.fieldNames.push(name) - 1;
      this.fieldIds.set(name, id);
    }
    return id;
  }

  private encode(f: Fact, seq: number): SpilledFact {
    const p = f.payload;
    const [fileId, row] = p.at;
    const values: Array<number | StagedScalar> = [];
    for (const field in p.v) values.push(this.fieldId(field), p.v[field]!);
    const columns: Array<number | Provenance> = [];
    for (const field in p.s) {
      const src = p.s[field]!;
      columns.push(this.fieldId(field), src[0] === fileId && src[1] === row ? src[2] : src);
    }
    return [f.kind, f.key, f.when, seq, p.sub, values, columns, p.i, fileId, row];
  }

  private decode(x: SpilledFact): { kind: FactKind; key: string; fact: Ordered } {
    const [kind, key, when, seq, sub, values, columns, i, fileId, row] = x;
    const names = this.fieldNames;
    const v: Record<string, StagedScalar> = {};
    for (let k = 0; k < values.length; k += 2) v[names[values[k] as number]!] = values[k + 1] as StagedScalar;
    const s: Record<string, Provenance> = {};
    for (let k = 0; k < columns.length; k += 2) {
      const c = columns[k + 1]!;
      s[names[columns[k] as number]!] = typeof c === 'number' ? [fileId, row, c] : c;
    }
    return { kind, key, fact: { when, fileId, row, seq, payload: { sub, v, s, i, at: [fileId, row] } } };
  }

  private async flush(b: number): Promise<void> {
    const text = this.buffers[b]!;
    if (!text) return;
    this.buffers[b] = '';
    let s = this.streams[b];
    if (!s) {
      // A flush is at least highWaterMark long, so write() asks to wait and the await below holds every
      // flush until it is on disk: no bucket has more than its string buffer in memory.
      s = createWriteStream(path.join(this.dir, `${b}.ndjson`), { highWaterMark: FLUSH_CHARS });
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
      const groups = new Map<string, { kind: FactKind; key: string; facts: Ordered[] }>();
      // A bucket is small (about FACTS_PER_BUCKET facts), so it is read whole and cut at newlines
      // (JSON.stringify escapes every newline inside a fact).
      const text = await readFile(path.join(this.dir, `${b}.ndjson`), 'utf8');
      for (
        let start = 0, end = text.indexOf('\n');
        end >= 0;
        start = end + 1, end = text.indexOf('\n', start)
      ) {
        const { kind, key, fact } = this.decode(JSON.parse(text.slice(start, end)) as SpilledFact);
        const id = `${kind}\u0000${key}`;
        let g = groups.get(id);
        if (!g) {
          g = { kind, key, facts: [] };
          groups.set(id, g);
        }
        g.facts.push(fact);
      }
      const out: FactGroup[] = [...groups.values()]
        .sort((a, c) => (a.key < c.key ? -1 : a.key > c.key ? 1 : 0))
        .map((g) => ({
          kind: g.kind,
          key: g.key,
          facts: g.facts.sort(byRecency).map((f) => f.payload),
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
