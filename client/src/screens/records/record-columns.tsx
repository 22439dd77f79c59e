// How staged records read in the table: the columns of each entity, values as text, and field names
// in words.
import type { StagedRecord } from '../../api/migrations.ts';
import type { Column } from '../../components/Table.tsx';
import { issueWords } from '../staging-words.ts';

type Value = StagedRecord['values'][string] | undefined;

export function valueText(v: Value): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length > 0 ? v.join(', ') : '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
}

/** A logical field name in words: "firstName" reads "First name", "actimoId" "Actimo id". */
export function fieldWords(field: string): string {
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function personName(r: StagedRecord): string {
  const { fullName, firstName, lastName } = r.values;
  if (typeof fullName === 'string' && fullName) return fullName;
  const parts = [firstName, lastName].filter((p) => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' ') : '—';
}

export function issuesText(r: StagedRecord): string {
  const [first, ...rest] = r.issues;
  if (!first) return 'None';
  return rest.length > 0 ? `${issueWords(first.code)} (+${rest.length} more)` : issueWords(first.code);
}

type Row = StagedRecord | null;

/** A column over one value of the record (rows still loading show nothing). */
function field(id: string, header: string, width?: string, align?: 'start' | 'end'): Column<Row> {
  return {
    id,
    header,
    cell: (r) => (r ? valueText(r.values[id]) : ''),
    ...(width ? { width } : {}),
    ...(align ? { align } : {}),
  };
}

const idColumn = (header: string): Column<Row> => ({
  id: 'actimoId',
  header,
  width: '9rem',
  cell: (r) => (r ? r.actimoId : ''),
});

const issuesColumn: Column<Row> = {
  id: 'issues',
  header: 'Issues',
  width: 'minmax(12rem, 2fr)',
  cell: (r) => (r ? issuesText(r) : ''),
};

const COLUMNS: Record<string, Column<Row>[]> = {
  person: [
    idColumn('Actimo id'),
    { id: 'name', header: 'Name', cell: (r) => (r ? personName(r) : '') },
    field('email', 'Email', 'minmax(12rem, 1.5fr)'),
    field('phone', 'Phone'),
    field('companyIds', 'Companies'),
    issuesColumn,
  ],
  organization: [
    idColumn('Actimo id'),
    field('name', 'Name', 'minmax(12rem, 1.5fr)'),
    field('city', 'City'),
    field('domain', 'Website'),
    field('employeeCount', 'Employees', '7rem', 'end'),
    issuesColumn,
  ],
  metrics: [
    idColumn('User id'),
    field('engagementScore', 'Engagement', '8rem', 'end'),
    field('coursesCompleted', 'Courses completed', '9rem', 'end'),
    field('messageOpenRate', 'Open rate', '8rem', 'end'),
    field('lastSurveyResponse', 'Last survey'),
    issuesColumn,
  ],
  activity: [
    idColumn('Actimo id'),
    field('type', 'Type', '7rem'),
    field('subject', 'Subject', 'minmax(12rem, 1.5fr)'),
    field('date', 'Date'),
    { id: 'personId', header: 'User id', width: '9rem', cell: (r) => (r ? valueText(r.personId) : '') },
    issuesColumn,
  ],
  file: [
    field('fileName', 'File name', 'minmax(12rem, 1.5fr)'),
    { id: 'personId', header: 'User id', width: '9rem', cell: (r) => (r ? valueText(r.personId) : '') },
    field('uploadDate', 'Uploaded'),
    field('size', 'Size (bytes)', '8rem', 'end'),
    issuesColumn,
  ],
};

/** The entity's columns; the first says "Loading…" in rows whose page has not arrived. */
export function columnsOf(entity: string): Column<Row>[] {
  const [first, ...rest] = COLUMNS[entity] ?? [idColumn('Actimo id'), issuesColumn];
  if (!first) return rest;
  const loading: Column<Row> = {
    ...first,
    cell: (r, i) => (r ? first.cell(r, i) : <span className="table__loading">Loading…</span>),
  };
  return [loading, ...rest];
}

/** Rows with an error stand out in red, rows with only warnings in amber. */
export function rowTone(r: Row): string | undefined {
  if (!r) return undefined;
  if (r.issues.some((i) => i.severity === 'error')) return 'table__row--danger';
  if (r.issues.some((i) => i.severity === 'warning')) return 'table__row--warning';
  return undefined;
}
