// The two documents an admin downloads: the custom-field schema (every field we created or adopted, its
// type, its Pipedrive field code and the Actimo value it holds) and the mapping specification (every
// column of every file, its destination and transform, and the gaps). JSON for machines, Markdown for
// people. Pure.
import type { RecordedField } from '../pipedrive/field-schema.repository.ts';
import type { MapDocument } from './document.ts';
import { typeWords } from './propose-destination.ts';
import { DEFAULT_SCHEMA } from './schema.ts';
import { targetOf } from './targets.ts';
import type { MapView } from './view.ts';
import { fedTargets } from './wanted.ts';

export interface SchemaField {
  entity: string;
  name: string;
  logicalName: string;
  type: string;
  fieldCode: string | null;
  options: string[];
  status: 'created' | 'adopted' | 'not provisioned';
  /** The Actimo value it holds. */
  holds: string;
  description: string;
}

export interface SchemaDocument {
  migrationId: number;
  mapVersion: number;
  generatedAt: string;
  fields: SchemaField[];
}

export function schemaDocument(
  migrationId: number,
  version: number,
  doc: MapDocument,
  recorded: readonly RecordedField[],
  now: Date,
): SchemaDocument {
  const fed = fedTargets(doc);
  const fields: SchemaField[] = [];
  const seen = new Set<string>();
  const add = (
    entity: string,
    logicalName: string,
    name: string,
    type: string,
    options: readonly string[] | undefined,
    holds: string,
  ) => {
    const key = `${entity}.${logicalName}`;
    if (seen.has(key)) return;
    seen.add(key);
    const rec = recorded.find((r) => r.entity === entity && r.logicalName === logicalName);
    const schema = DEFAULT_SCHEMA.find((s) => s.entity === entity && s.logicalName === logicalName);
    fields.push({
      entity,
      name: rec?.name ?? name,
      logicalName,
      type: rec?.type ?? type,
      fieldCode: rec?.code ?? null,
      options: rec?.options?.map((o) => o.label) ?? [...(options ?? [])],
      status: rec ? (rec.createdByUs ? 'created' : 'adopted') : 'not provisioned',
      holds,
      description: schema?.description ?? `the Actimo ${holds.toLowerCase()}`,
    });
  };
  for (const d of doc.destinations) {
    const t = targetOf(d.entity, d.field);
    if (!t || !fed.has(`${d.entity}.${d.field}`)) continue;
    if (d.destination.kind === 'custom')
      add(
        d.entity,
        d.destination.logicalName,
        d.destination.name,
        d.destination.type,
        d.destination.options,
        t.label,
      );
    // Industry and employee count land in our field only where the account lacks the standard one.
    if (d.destination.kind === 'standard')
      for (const s of DEFAULT_SCHEMA)
        if (
          s.entity === d.entity &&
          s.standardFirst === d.destination.key &&
          recorded.some((r) => r.entity === s.entity && r.logicalName === s.logicalName)
        )
          add(s.entity, s.logicalName, s.name, s.type, s.options, t.label);
  }
  return { migrationId, mapVersion: version, generatedAt: now.toISOString(), fields };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function schemaMarkdown(s: SchemaDocument): string {
  const lines = [
    '# Custom fields for the Actimo migration',
    '',
    `Migration ${s.migrationId}, field map version ${s.mapVersion}, generated ${s.generatedAt}.`,
    '',
    '| Entity | Field in Pipedrive | Logical name | Type | Field code | Holds | Status |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of s.fields) {
    const type = `${typeWords(f.type)}${f.options.length ? `: ${f.options.join(', ')}` : ''}`;
    lines.push(
      `| ${f.entity === 'person' ? 'Person' : 'Organization'} | ${cell(f.name)} | \`${f.logicalName}\` | ${cell(type)} | ${f.fieldCode ? `\`${f.fieldCode}\`` : '(not created yet)'} | ${cell(`${f.holds}: ${f.description}`)} | ${f.status} |`,
    );
  }
  if (s.fields.length === 0) lines.push('| | (no custom fields: no staged value needs one) | | | | | |');
  return `${lines.join('\n')}\n`;
}

export interface SpecDocument {
  migrationId: number;
  mapVersion: number;
  status: string;
  generatedAt: string;
  files: Array<{
    fileId: number;
    name: string;
    kind: string;
    columns: Array<{
      column: number;
      header: string;
      field: string | null;
      destination: string;
      transform: string;
      confidence: number;
      reason: string;
      flags: string[];
    }>;
  }>;
  destinations: Array<{
    entity: string;
    field: string;
    label: string;
    destination: string;
    hasData: boolean;
    sources: string[];
  }>;
  gaps: MapView['gaps'];
}

export function specDocument(view: MapView, now: Date): SpecDocument {
  return {
    migrationId: view.migrationId,
    mapVersion: view.version,
    status: view.status,
    generatedAt: now.toISOString(),
    files: view.files.map((f) => ({
      fileId: f.fileId,
      name: f.name,
      kind: f.kind,
      columns: f.columns.map((c) => ({
        column: c.column,
        header: c.header,
        field: c.field,
        destination: c.destination,
        transform: c.transform,
        confidence: c.confidence,
        reason: c.reason,
        flags: c.flags.map((x) => x.code),
      })),
    })),
    destinations: view.destinations.map((d) => ({
      entity: d.entity,
      field: d.field,
      label: d.label,
      destination: d.description,
      hasData: d.hasData,
      sources: d.sources.map((s) => `${s.fileName}: ${s.header}`),
    })),
    gaps: view.gaps,
  };
}

export function specMarkdown(s: SpecDocument): string {
  const lines = [
    '# Mapping specification: Actimo exports to Pipedrive',
    '',
    `Migration ${s.migrationId}, field map version ${s.mapVersion} (${s.status}), generated ${s.generatedAt}.`,
  ];
  for (const f of s.files) {
    lines.push(
      '',
      `## ${cell(f.name)} (${f.kind})`,
      '',
      '| # | Column | Field | Destination | Transform | Confidence | Flags |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const c of f.columns)
      lines.push(
        `| ${c.column + 1} | ${cell(c.header)} | ${c.field ?? '—'} | ${cell(c.destination)} | ${cell(c.transform)} | ${Math.round(c.confidence * 100)} % | ${c.flags.join(', ') || '—'} |`,
      );
  }
  lines.push(
    '',
    '## Destinations',
    '',
    '| Entity | Field | Lands in | Fed by |',
    '| --- | --- | --- | --- |',
  );
  for (const d of s.destinations)
    lines.push(
      `| ${d.entity} | ${cell(d.label)} | ${cell(d.destination)} | ${cell(d.sources.join('; ') || '(no column)')} |`,
    );
  lines.push('', '## Gaps', '', '### Columns with no destination', '');
  if (s.gaps.columnsWithoutDestination.length === 0) lines.push('None: every column lands somewhere.');
  for (const g of s.gaps.columnsWithoutDestination)
    lines.push(`- ${cell(g.fileName)}, "${cell(g.header)}": ${g.why}`);
  lines.push('', '### Destinations with no data', '');
  if (s.gaps.destinationsWithoutData.length === 0) lines.push('None: every destination has a column.');
  for (const g of s.gaps.destinationsWithoutData)
    lines.push(`- ${g.label} (${g.entity}): no column feeds it; nothing is written to ${g.destination}`);
  return `${lines.join('\n')}\n`;
}
