// The sample: N persons stratified across engagement-score ranges and training-completion states (so a
// small run shows every kind of record), with their organizations. Deterministic: the same staged data
// gives the same sample.
import { createHash } from 'node:crypto';
import type { StagedPersonInput } from '../mapping/index.ts';

export const DEFAULT_SAMPLE_SIZE = 300;

function engagementBand(p: StagedPersonInput): string {
  const v = p.metrics?.values.engagementScore;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return 'none';
  if (n < 25) return '0-25';
  if (n < 50) return '25-50';
  if (n < 75) return '50-75';
  return '75-100';
}

function trainingState(p: StagedPersonInput): string {
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0);
  const started = num(p.metrics?.values.coursesStarted);
  const completed = num(p.metrics?.values.coursesCompleted);
  if (started === 0 && completed === 0) return 'not_started';
  if (completed >= started) return 'completed';
  return 'in_progress';
}

export function stratumOf(p: StagedPersonInput): string {
  return `${engagementBand(p)}|${trainingState(p)}`;
}

const order = (id: string) => createHash('sha1').update(id).digest('hex');

/** Picks `n` persons: every stratum gets its share (at least one), by a stable hash order within it. */
export function pickSample(persons: readonly StagedPersonInput[], n: number): string[] {
  if (n >= persons.length) return persons.map((p) => p.actimoId);
  const strata = new Map<string, StagedPersonInput[]>();
  for (const p of persons) {
    const k = stratumOf(p);
    const list = strata.get(k) ?? [];
    list.push(p);
    strata.set(k, list);
  }
  const groups = [...strata.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => ({
      key,
      list: [...list].sort((a, b) => order(a.actimoId).localeCompare(order(b.actimoId))),
      take: 0,
    }));
  // Largest-remainder allocation with a floor of one per stratum.
  const total = persons.length;
  let left = n;
  for (const g of groups) {
    g.take = Math.min(g.list.length, Math.max(1, Math.floor((n * g.list.length) / total)));
    left -= g.take;
  }
  const byRemainder = [...groups].sort(
    (a, b) =>
      (((n * b.list.length) / total) % 1) - (((n * a.list.length) / total) % 1) || a.key.localeCompare(b.key),
  );
  while (left > 0) {
    let moved = false;
    for (const g of byRemainder) {
      if (left === 0) break;
      if (g.take < g.list.length) {
        g.take++;
        left--;
        moved = true;
      }
    }
    if (!moved) break;
  }
  while (left < 0) {
    const g = [...groups].sort((a, b) => b.take - a.take)[0]!;
    g.take--;
    left++;
  }
  return groups.flatMap((g) => g.list.slice(0, g.take).map((p) => p.actimoId));
}

/** The organization a person is linked to (its primary company). */
export function primaryOrganization(p: StagedPersonInput): string | undefined {
  const links = p.memberships ?? [];
  if (links.length > 0) return (links.find((l) => l.isPrimary) ?? links[0])?.organizationId;
  const ids = p.values.companyIds;
  return Array.isArray(ids) && ids.length > 0 ? String(ids[0]) : undefined;
}
