// Proposals for generated export sets without a database: each file read, profiled, recognised and given
// column roles exactly as staging does, then the mapping module's proposal on top.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { proposeColumnRoles } from '../../server/actimo/columns.ts';
import { detectKind } from '../../server/actimo/detect.ts';
import { type ColumnProfile, ColumnProfiler } from '../../server/actimo/profile.ts';
import { readDelimited } from '../../server/actimo/read-delimited.ts';
import { DEFAULT_MAP_SETTINGS, type MapDocument } from '../../server/mapping/document.ts';
import { proposeDestinations } from '../../server/mapping/propose-destination.ts';
import { proposeFile, type StagedTable } from '../../server/mapping/propose-source.ts';
import { type MapView, mapView } from '../../server/mapping/view.ts';
import { isTabularKind } from '../../server/staging/vocabulary.ts';

export async function stagedTable(file: string, id: number): Promise<StagedTable> {
  const table = await readDelimited(createReadStream(file), path.basename(file));
  const profiler = new ColumnProfiler(table.layout.headers);
  let rows = 0;
  for await (const batch of table.batches)
    for (const row of batch) {
      profiler.add(row);
      rows++;
    }
  const profiles = profiler.result();
  // The name would help; the proposal must stand on headers and content.
  const { kind } = detectKind('export.csv', table.layout.headers, profiles);
  if (!isTabularKind(kind)) throw new Error(`${file} was not recognised (${kind})`);
  return {
    id,
    name: path.basename(file),
    kind,
    rowCount: rows,
    headers: table.layout.headers,
    columnProfiles: profiles,
    columnRoles: proposeColumnRoles(kind, profiles),
  };
}

export async function proposalFor(files: readonly string[]): Promise<{ doc: MapDocument; view: MapView }> {
  const tables = await Promise.all(files.map((f, i) => stagedTable(f, i + 1)));
  const doc: MapDocument = {
    files: tables.map(proposeFile),
    destinations: proposeDestinations(),
    settings: DEFAULT_MAP_SETTINGS,
  };
  const profiles = new Map<number, ColumnProfile[]>(tables.map((t) => [t.id, [...t.columnProfiles]]));
  const meta = {
    migrationId: 1,
    version: 1,
    status: 'draft' as const,
    note: null,
    createdAt: '2026-11-25T00:00:00.000Z',
    confirmedBy: null,
    confirmedAt: null,
    provisionedAt: null,
  };
  return { doc, view: mapView(meta, doc, profiles) };
}
