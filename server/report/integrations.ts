// The integrations document: what each Actimo integration (HRIS connector, SSO, chat, file sync…) did,
// the data it moved, and what replaces it on the Pipedrive side (a Marketplace app, webhooks,
// Automations, an API sync). The export is free-form: a JSON document, or a table (CSV/TSV) with one
// integration per row; anything else is listed as a document to read by hand, never dropped. Pure.
import { parse as parseCsv } from 'csv-parse/sync';
import { detectDelimiter } from '../actimo/layout.ts';
import {
  childPath,
  DocumentFormatError,
  describe,
  isObject,
  type Json,
  type JsonObject,
  ObjectReader,
  parseJsonDocument,
} from './json-read.ts';

export type IntegrationCategory =
  | 'hris'
  | 'identity'
  | 'chat'
  | 'email'
  | 'calendar'
  | 'file_sync'
  | 'webhook'
  | 'api'
  | 'other';
export type ReplacementKind =
  | 'marketplace_app'
  | 'webhook'
  | 'automation'
  | 'api_sync'
  | 'built_in'
  | 'manual';

export interface Replacement {
  kind: ReplacementKind;
  what: string;
}

export interface Integration {
  name: string;
  provider: string | null;
  category: IntegrationCategory;
  typeAsWritten: string | null;
  direction: 'into_actimo' | 'out_of_actimo' | 'both' | 'unknown';
  status: string | null;
  schedule: string | null;
  /** What it moved: objects or fields, as written. */
  data: string[];
  description: string | null;
  endpoint: string | null;
  replacements: Replacement[];
  file: string;
  /** JSON path, or `row N` (1-based data row) for a table. */
  path: string;
  extra: JsonObject;
}

export interface UnreadableDocument {
  file: string;
  reason: string;
}

export interface IntegrationsDocument {
  migrationId: number;
  generatedAt: string;
  files: Array<{ fileId: number; name: string; sha256: string; integrations: number }>;
  integrations: Integration[];
  /** Integrations exports we could not read as data (a PDF, a Word file…): to read by hand. */
  unreadable: UnreadableDocument[];
}

const CATEGORIES: Array<[RegExp, IntegrationCategory]> = [
  [
    /bamboo|workday|personio|hibob|\bbob\b|successfactors|\bsap\b|hris|hr ?system|dayforce|\badp\b|sympa|planday|zenegy|danl(ø|oe)n|datal(ø|oe)n|prol(ø|oe)n|payroll|l(ø|oe)n/,
    'hris',
  ],
  [/azure|entra|okta|active ?directory|\bad\b|ldap|scim|\bsso\b|saml|google workspace|onelogin/, 'identity'],
  [/slack|teams|workplace|yammer|viva/, 'chat'],
  [/smtp|e-?mail|outlook|gmail|exchange|sendgrid|mailchimp/, 'email'],
  [/calendar|kalender/, 'calendar'],
  [/sftp|ftp|csv|file ?(sync|import|drop)|import file/, 'file_sync'],
  [/webhook/, 'webhook'],
  [/\bapi\b|rest|zapier|make\.com|integromat|power ?automate|n8n/, 'api'],
];

export function categoryOf(...texts: Array<string | null>): IntegrationCategory {
  const s = texts.filter(Boolean).join(' ').toLowerCase();
  return CATEGORIES.find(([re]) => re.test(s))?.[1] ?? 'other';
}

export function replacementsFor(
  category: IntegrationCategory,
  provider: string | null,
  direction: Integration['direction'],
): Replacement[] {
  const who = provider ? `"${provider}"` : 'the system';
  switch (category) {
    case 'hris':
      return [
        {
          kind: 'marketplace_app',
          what: `Search the Pipedrive Marketplace for ${who}; a connector keeps persons in step with the HR system.`,
        },
        {
          kind: 'api_sync',
          what: 'Without an app: sync persons through the Pipedrive API (Zapier or Make have Pipedrive connectors), or re-run this migration as a delta import.',
        },
      ];
    case 'identity':
      return [
        {
          kind: 'built_in',
          what: 'Sign-in: Pipedrive single sign-on (SAML) under Company settings → Security, where your plan includes it.',
        },
        {
          kind: 'manual',
          what: 'Users: Pipedrive does not provision users from a directory; invite them under Company settings → Manage users.',
        },
      ];
    case 'chat':
      return [
        {
          kind: 'marketplace_app',
          what: `The ${provider ?? 'Slack or Microsoft Teams'} app from the Pipedrive Marketplace.`,
        },
        {
          kind: 'automation',
          what: 'Automations can post a message to a channel when a person is created or updated.',
        },
      ];
    case 'email':
      return [
        {
          kind: 'built_in',
          what: 'Pipedrive email sync (Sales Inbox) for one-to-one email; Campaigns for newsletters.',
        },
      ];
    case 'calendar':
      return [
        {
          kind: 'built_in',
          what: 'Pipedrive calendar sync (Google or Microsoft) under Personal preferences → Calendar sync.',
        },
      ];
    case 'file_sync':
      return [
        {
          kind: 'api_sync',
          what: 'A scheduled import: stage the new file with `actimo-pipedrive stage` and run a delta migration, or write to the Pipedrive API.',
        },
      ];
    case 'webhook':
      return direction === 'into_actimo'
        ? [
            {
              kind: 'api_sync',
              what: 'The sender calls the Pipedrive API instead (persons and organizations endpoints).',
            },
          ]
        : [
            {
              kind: 'webhook',
              what: 'Pipedrive webhooks (Tools and apps → Webhooks) on person and organization events.',
            },
            {
              kind: 'automation',
              what: 'Or an automation with the action "Send webhook", for a filtered event.',
            },
          ];
    case 'api':
      return [
        {
          kind: 'api_sync',
          what: `Point ${who} at the Pipedrive API (API token or an OAuth app); Zapier, Make and n8n have Pipedrive connectors.`,
        },
      ];
    default:
      return [{ kind: 'manual', what: 'No known replacement: review what it did and rebuild it by hand.' }];
  }
}

function directionOf(v: string | null): Integration['direction'] {
  if (v === null) return 'unknown';
  const s = v.toLowerCase();
  if (/both|two.?way|bi.?direct|sync/.test(s)) return 'both';
  if (/in|import|to actimo|from|source|pull/.test(s))
    return /out|export|push/.test(s) ? 'both' : 'into_actimo';
  if (/out|export|from actimo|push|target/.test(s)) return 'out_of_actimo';
  return 'unknown';
}

const listText = (v: Json, r: ObjectReader, path: string): string[] => {
  if (typeof v === 'string')
    return v
      .split(/[;,|]/)
      .map((x) => x.trim())
      .filter(Boolean);
  if (Array.isArray(v))
    return v.map((x, i) => {
      if (typeof x === 'string' || typeof x === 'number') return String(x);
      if (isObject(x)) {
        const from = x.from ?? x.source ?? x.name ?? x.field;
        const to = x.to ?? x.target;
        if (typeof from === 'string') return typeof to === 'string' ? `${from} → ${to}` : from;
      }
      throw r.fail(
        'unreadable_data',
        childPath(path, i),
        `expected a field or object name, found ${describe(x)}`,
      );
    });
  if (isObject(v)) return Object.entries(v).map(([k, x]) => (typeof x === 'string' ? `${k} → ${x}` : k));
  throw r.fail('unreadable_data', path, `expected a list of fields, found ${describe(v)}`);
};

function readIntegration(v: Json, file: string, path: string): Integration {
  if (!isObject(v))
    throw new DocumentFormatError(
      'malformed_integration',
      file,
      path,
      `expected an integration, found ${describe(v)}`,
    );
  const r = new ObjectReader(v, file, path);
  const name = r.text('name', 'title', 'integration', 'connector', 'label');
  const provider = r.text('provider', 'system', 'vendor', 'source', 'app', 'service', 'platform');
  if (name === null && provider === null)
    throw r.fail(
      'integration_without_name',
      path,
      `an integration needs a name or a provider, found ${describe(v)}`,
    );
  const typeAsWritten = r.text('type', 'kind', 'category');
  const direction = directionOf(r.text('direction', 'flow', 'sync', 'mode'));
  const data: string[] = [];
  for (
    let t = r.take(
      'data',
      'objects',
      'entities',
      'fields',
      'fieldMapping',
      'fieldMappings',
      'mapping',
      'syncs',
      'moves',
    );
    t;
    t = r.take(
      'data',
      'objects',
      'entities',
      'fields',
      'fieldMapping',
      'fieldMappings',
      'mapping',
      'syncs',
      'moves',
    )
  )
    if (t.value !== null && t.value !== '') data.push(...listText(t.value, r, t.path));
  const category = categoryOf(typeAsWritten, provider, name);
  return {
    name: name ?? provider!,
    provider,
    category,
    typeAsWritten,
    direction,
    status: r.text('status', 'state', 'enabled', 'active'),
    schedule: r.text('schedule', 'frequency', 'interval', 'cron', 'syncFrequency'),
    data,
    description: r.text('description', 'purpose', 'notes', 'note', 'comment'),
    endpoint: r.text('endpoint', 'url', 'host', 'server', 'webhookUrl'),
    replacements: replacementsFor(category, provider, direction),
    file,
    path,
    extra: r.rest(),
  };
}

const COLLECTIONS = ['integrations', 'connectors', 'connections', 'systems', 'apps', 'items', 'data'];

function fromJson(doc: Json, file: string): Integration[] {
  if (Array.isArray(doc)) return doc.map((x, i) => readIntegration(x, file, `$[${i}]`));
  if (!isObject(doc))
    throw new DocumentFormatError(
      'not_integrations',
      file,
      '$',
      `expected a list of integrations, found ${describe(doc)}`,
    );
  const r = new ObjectReader(doc, file, '$');
  const t = r.take(...COLLECTIONS);
  if (t) {
    if (!Array.isArray(t.value))
      throw r.fail('not_a_list', t.path, `expected a list of integrations, found ${describe(t.value)}`);
    return t.value.map((x, i) => readIntegration(x, file, childPath(t.path, i)));
  }
  if (Object.keys(doc).some((k) => /^(name|provider|system|connector)$/i.test(k)))
    return [readIntegration(doc, file, '$')];
  throw r.fail(
    'not_integrations',
    '$',
    `no list of integrations found (expected an array, or ${COLLECTIONS.slice(0, 4).join(', ')}); the document has ${Object.keys(doc).slice(0, 8).join(', ') || 'no properties'}`,
  );
}

function fromTable(text: string, file: string): Integration[] {
  const delimiter = detectDelimiter(text.slice(0, 65536));
  let rows: string[][];
  try {
    rows = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new DocumentFormatError(
      'unreadable_table',
      file,
      'row 1',
      `not a readable table (${(err as Error).message})`,
    );
  }
  const [header, ...data] = rows;
  if (!header || data.length === 0)
    throw new DocumentFormatError(
      'empty_table',
      file,
      'row 1',
      'a header row and at least one integration row are needed',
    );
  return data.map((cells, i) => {
    const obj: JsonObject = {};
    header.forEach((h, c) => {
      const v = cells[c] ?? '';
      if (v !== '') obj[h.trim() || `Column ${c + 1}`] = v;
    });
    cells.slice(header.length).forEach((v, c) => {
      if (v !== '') obj[`Column ${header.length + c + 1}`] = v;
    });
    return readIntegration(obj, file, `row ${i + 1}`);
  });
}

/** Reads one integrations export. JSON and delimited text are read; other documents come back as unreadable. */
export function readIntegrationsFile(
  name: string,
  bytes: Buffer,
): { integrations: Integration[]; unreadable: UnreadableDocument | null } {
  const looksBinary = bytes.subarray(0, 4096).includes(0);
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (looksBinary || ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'png', 'jpg', 'jpeg', 'zip'].includes(ext))
    return {
      integrations: [],
      unreadable: {
        file: name,
        reason: `a ${ext ? `.${ext}` : 'binary'} document: kept as uploaded, read it by hand`,
      },
    };
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const head = text.trimStart();
  if (ext === 'json' || head.startsWith('{') || head.startsWith('['))
    return { integrations: fromJson(parseJsonDocument(text, name), name), unreadable: null };
  if (['csv', 'tsv', 'txt', ''].includes(ext) && /[,;\t|]/.test(text.split('\n')[0] ?? ''))
    return { integrations: fromTable(text, name), unreadable: null };
  return {
    integrations: [],
    unreadable: { file: name, reason: 'free text, not a table or JSON: kept as uploaded, read it by hand' },
  };
}
