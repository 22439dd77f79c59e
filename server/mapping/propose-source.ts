// The source side of the proposal: one spec per column of every staged table, from ingest's recognition
// (column roles and profiles), with the reason rephrased for the admin. Decisions made before (the same
// headers earlier in this migration, or a saved profile) replace the guess column by column. Pure.
import { createHash } from 'node:crypto';
import type { ColumnRole } from '../actimo/columns.ts';
import { headerKey } from '../actimo/header.ts';
import type { ColumnProfile } from '../actimo/profile.ts';
import type { TabularKind } from '../staging/vocabulary.ts';
import type { ColumnSpec, FileSpec, Origin } from './document.ts';
import { columnReason } from './explain.ts';

export interface StagedTable {
  id: number;
  name: string;
  kind: TabularKind;
  rowCount: number;
  headers: readonly string[];
  columnProfiles: readonly ColumnProfile[];
  columnRoles: readonly ColumnRole[];
}

/**
 * What a profile recognises a file by: its kind and its header names (compared as `headerKey`s, in any
 * order, since exports shuffle columns between downloads).
 */
export function signatureOf(kind: TabularKind, headers: readonly string[]): string {
  const keys = [...new Set(headers.map(headerKey))].sort();
  return `${kind}:${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16)}`;
}

export function proposeFile(t: StagedTable): FileSpec {
  return {
    fileId: t.id,
    name: t.name,
    kind: t.kind,
    signature: signatureOf(t.kind, t.headers),
    columns: t.columnRoles.map((r) => ({
      column: r.column,
      header: r.header,
      field: r.field,
      parse: r.parse,
      whitespace: 'trim',
      confidence: r.field === null ? 0 : r.confidence,
      reason: columnReason(
        r.header,
        r.field,
        r.reason,
        t.columnProfiles.find((p) => p.index === r.column),
        t.rowCount,
      ),
      origin: 'proposal',
      decided: false,
    })),
  };
}

/** A column decision to reuse, keyed by its header. */
export type PriorColumn = Pick<ColumnSpec, 'header' | 'field' | 'parse' | 'whitespace' | 'values'>;

/**
 * Replaces the proposal of every column whose header the prior decisions know (by `headerKey`, then by
 * position among equal keys, for "Name" and "Name (2)"). Reused columns count as decided.
 */
export function applyPrior(
  spec: FileSpec,
  prior: readonly PriorColumn[],
  origin: Exclude<Origin, 'proposal'>,
  source: string,
): FileSpec {
  const pool = new Map<string, PriorColumn[]>();
  for (const p of prior) {
    const k = headerKey(p.header);
    pool.set(k, [...(pool.get(k) ?? []), p]);
  }
  const columns = spec.columns.map((c): ColumnSpec => {
    const candidates = pool.get(headerKey(c.header));
    const p = candidates?.shift();
    if (!p) return c;
    const out: ColumnSpec = {
      ...c,
      field: p.field,
      parse: p.parse,
      whitespace: p.whitespace,
      confidence: 1,
      reason: `${p.field === null ? 'ignored' : 'mapped'} as in ${source}`,
      origin,
      decided: true,
    };
    if (p.values) out.values = { ...p.values };
    else delete out.values;
    return out;
  });
  return { ...spec, columns };
}

/** The column roles consolidation reads, from a file's spec (the admin's decisions included). */
export function rolesOf(spec: FileSpec, previous: readonly ColumnRole[]): ColumnRole[] {
  return spec.columns.map((c) => {
    const before = previous.find((r) => r.column === c.column);
    const same =
      before && before.field === c.field && JSON.stringify(before.parse) === JSON.stringify(c.parse);
    if (same) return before;
    return {
      column: c.column,
      header: c.header,
      field: c.field,
      confidence: c.confidence,
      reason: c.origin === 'proposal' ? c.reason : `set by the admin in the field map (${c.reason})`,
      parse: c.parse,
    };
  });
}

/** True when consolidation reads the file differently under these roles. */
export function rolesDiffer(a: readonly ColumnRole[], b: readonly ColumnRole[]): boolean {
  if (a.length !== b.length) return true;
  return a.some((r, i) => {
    const o = b[i];
    return (
      !o ||
      o.column !== r.column ||
      o.field !== r.field ||
      JSON.stringify(o.parse) !== JSON.stringify(r.parse)
    );
  });
}
