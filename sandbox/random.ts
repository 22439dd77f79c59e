// Seeded randomness, so a failing run can be replayed: custom field codes, fault injection and search
// scores come from here. Secrets (API tokens, OAuth tokens, client secrets) do not: they use crypto.
import { createHash, randomBytes } from 'node:crypto';

export class Prng {
  private state: number;

  constructor(seed: number | string) {
    // Hash the seed so nearby seeds (1, 2, 3…) give unrelated streams.
    this.state = createHash('sha256').update(String(seed)).digest().readUInt32LE(0) || 1;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** The state, for snapshots. */
  get seedState(): number {
    return this.state;
  }

  set seedState(value: number) {
    this.state = value | 0 || 1;
  }
}

export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

export function secretHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
