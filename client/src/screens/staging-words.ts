// The staging vocabulary in the admin's words: export kinds, entities, issue codes, confidence,
// encodings, delimiters. The server sends stable codes; only the panel decides how they read.
import { formatCount } from '../components/format.ts';

export interface KindWords {
  label: string;
  /** What a file of this kind holds. */
  description: string;
  /** Parsed into rows (a kind of kept document cannot become one of these, and back). */
  tabular: boolean;
}

export const KIND_WORDS: Record<string, KindWords> = {
  users: { label: 'Users', description: 'one row per employee', tabular: true },
  companies: { label: 'Companies', description: 'one row per company or unit', tabular: true },
  memberships: { label: 'Memberships', description: 'which user belongs to which company', tabular: true },
  engagement: { label: 'Engagement scores', description: 'engagement score per user', tabular: true },
  training: { label: 'Training', description: 'courses per user', tabular: true },
  messages: { label: 'Message statistics', description: 'opens and clicks per user', tabular: true },
  surveys: { label: 'Surveys', description: 'survey responses per user', tabular: true },
  activities: { label: 'Activity log', description: 'calls and meetings', tabular: true },
  files: { label: 'Files list', description: 'files attached to users', tabular: true },
  workflows: { label: 'Workflows', description: 'learning paths, kept for reference', tabular: false },
  integrations: { label: 'Integrations', description: 'HR connectors, kept for reference', tabular: false },
  attachment: { label: 'Attached file', description: 'a file named in the files list', tabular: false },
  unknown: { label: 'Not recognised', description: 'not used in the migration', tabular: false },
};

export function kindLabel(kind: string): string {
  return KIND_WORDS[kind]?.label ?? kind;
}

/**
 * The kinds the admin may choose for a file. A file read as a table can be any table kind (or set
 * aside as not recognised); a file kept as a document can only be another document kind. The server
 * assigns attachments itself.
 */
export function kindChoices(status: string, current: string): string[] {
  const tabular = status === 'staged';
  const kinds = Object.entries(KIND_WORDS)
    .filter(([kind, w]) => kind !== 'attachment' && (kind === 'unknown' || w.tabular === tabular))
    .map(([kind]) => kind);
  return kinds.includes(current) ? kinds : [current, ...kinds];
}

/** Below this the server is unsure, and the admin is asked to check the kind. */
export const CONFIDENT = 0.5;

export function needsKindCheck(file: {
  status: string;
  kind: string;
  kindConfidence: number;
  kindOverridden: boolean;
}): boolean {
  if (file.kindOverridden || file.status !== 'staged') return false;
  return file.kind === 'unknown' || file.kindConfidence < CONFIDENT;
}

export function confidenceWords(confidence: number, overridden: boolean): string {
  if (overridden) return 'Set by you';
  const percent = `${Math.round(confidence * 100)}%`;
  if (confidence >= 0.8) return `Sure (${percent})`;
  if (confidence >= CONFIDENT) return `Fairly sure (${percent})`;
  if (confidence > 0) return `Unsure (${percent}): please check`;
  return 'No match';
}

interface EntityWords {
  one: string;
  many: string;
  /** Where it lands in Pipedrive. */
  destination: string;
  /** Staged records of this entity can be listed one by one. */
  listable: boolean;
}

export const ENTITY_WORDS: Record<string, EntityWords> = {
  person: { one: 'person', many: 'people', destination: 'Persons', listable: true },
  organization: { one: 'company', many: 'companies', destination: 'Organizations', listable: true },
  membership: {
    one: 'company link',
    many: 'company links',
    destination: "Persons' organizations and notes",
    listable: false,
  },
  metrics: {
    one: 'set of metrics',
    many: 'sets of metrics',
    destination: 'custom fields on Persons',
    listable: true,
  },
  activity: { one: 'activity', many: 'activities', destination: 'Activities', listable: true },
  file: { one: 'file', many: 'files', destination: 'notes with attachments', listable: true },
};

export const ENTITY_ORDER = ['person', 'organization', 'membership', 'metrics', 'activity', 'file'];

/** "1,200 people", "1 company", falling back to the entity's code for one this panel does not know. */
export function countOf(entity: string, n: number): string {
  const w = ENTITY_WORDS[entity];
  if (!w) return `${formatCount(n)} ${entity}`;
  return `${formatCount(n)} ${n === 1 ? w.one : w.many}`;
}

export const ISSUE_WORDS: Record<string, string> = {
  missing_id: 'No Actimo id',
  missing_name: 'No name',
  invalid_email: 'Email address is not valid',
  invalid_phone: 'Phone number is not valid',
  company_not_found: 'Company is not in the companies export',
  user_not_found: 'User is not in the users export',
  duplicate_user_conflict: 'Same user more than once, with different values',
  duplicate_company_conflict: 'Same company more than once, with different values',
  ambiguous_date: 'Date could be day-month or month-day',
  unparseable_date: 'Date could not be read',
  unparseable_number: 'Number could not be read',
  unknown_activity_type: 'Activity type is not a call or a meeting',
  multiple_primary_companies: 'More than one primary company',
  secondary_companies: 'Belongs to more than one company',
  company_without_users: 'Company has no users',
  file_missing: 'Attached file is not in the upload',
  ragged_row: 'Row has more cells than the header',
};

export function issueWords(code: string): string {
  return ISSUE_WORDS[code] ?? `Other issue (${code})`;
}

export const SEVERITY_WORDS: Record<string, { one: string; many: string }> = {
  error: { one: 'error', many: 'errors' },
  warning: { one: 'warning', many: 'warnings' },
  info: { one: 'note', many: 'notes' },
};

export function severityCount(severity: string, n: number): string {
  const w = SEVERITY_WORDS[severity] ?? { one: severity, many: severity };
  return `${formatCount(n)} ${n === 1 ? w.one : w.many}`;
}

const ENCODING_WORDS: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with byte order mark',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'windows-1252': 'Windows-1252 (Excel CSV)',
  xlsx: 'Excel workbook',
};

export function encodingWords(encoding: string | null): string {
  if (encoding === null) return 'Not read';
  return ENCODING_WORDS[encoding] ?? encoding;
}

const DELIMITER_WORDS: Record<string, string> = {
  ',': 'Comma (,)',
  ';': 'Semicolon (;)',
  '\t': 'Tab',
  '|': 'Vertical bar (|)',
};

export function delimiterWords(delimiter: string | null): string {
  if (delimiter === null) return 'None (a workbook sheet)';
  return DELIMITER_WORDS[delimiter] ?? `"${delimiter}"`;
}

/** The header row as a person counts rows: "Row 1", or "Row 3 (2 title lines above it skipped)". */
export function headerRowWords(index: number | null): string {
  if (index === null) return 'Not found';
  if (index === 0) return 'Row 1';
  return `Row ${index + 1} (${index} title ${index === 1 ? 'line' : 'lines'} above it skipped)`;
}

export const STATUS_WORDS: Record<
  string,
  { label: string; tone: 'neutral' | 'success' | 'danger' | 'info' }
> = {
  staged: { label: 'Read', tone: 'success' },
  kept: { label: 'Kept as a file', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'danger' },
  staging: { label: 'Interrupted', tone: 'danger' },
};

export const MIGRATION_STATUS_WORDS: Record<string, { label: string; tone: 'neutral' | 'info' | 'success' }> =
  {
    draft: { label: 'Draft', tone: 'neutral' },
    staged: { label: 'Files staged', tone: 'info' },
  };
