// Builds the two rebuild artifacts from the stored exports: the workflow reference (JSON + the Markdown
// guide in workflow-guide.ts) and the integrations document (JSON + Markdown). Pure: the bytes come in.
import { type Integration, type IntegrationsDocument, readIntegrationsFile } from './integrations.ts';
import { parseJsonDocument } from './json-read.ts';
import { stepsWithoutEquivalent } from './workflow-guide.ts';
import { countSteps, type Flow, normaliseWorkflowDocument, type WorkflowReference } from './workflows.ts';

export interface StoredDocument {
  fileId: number;
  name: string;
  sha256: string;
  bytes: Buffer;
}

export function workflowReference(
  migrationId: number,
  files: readonly StoredDocument[],
  now: Date,
): WorkflowReference {
  const flows: Flow[] = [];
  const out: WorkflowReference['files'] = [];
  for (const f of files) {
    const found = normaliseWorkflowDocument(parseJsonDocument(f.bytes.toString('utf8'), f.name), f.name);
    flows.push(...found);
    out.push({ fileId: f.fileId, name: f.name, sha256: f.sha256, flows: found.length });
  }
  return {
    migrationId,
    generatedAt: now.toISOString(),
    files: out,
    flows,
    counts: {
      flows: flows.length,
      steps: flows.reduce((n, f) => n + countSteps(f.steps), 0),
      withoutEquivalent: flows.reduce((n, f) => n + stepsWithoutEquivalent(f.steps), 0),
    },
  };
}

export function integrationsDocument(
  migrationId: number,
  files: readonly StoredDocument[],
  now: Date,
): IntegrationsDocument {
  const doc: IntegrationsDocument = {
    migrationId,
    generatedAt: now.toISOString(),
    files: [],
    integrations: [],
    unreadable: [],
  };
  for (const f of files) {
    const r = readIntegrationsFile(f.name, f.bytes);
    doc.integrations.push(...r.integrations);
    if (r.unreadable) doc.unreadable.push(r.unreadable);
    doc.files.push({ fileId: f.fileId, name: f.name, sha256: f.sha256, integrations: r.integrations.length });
  }
  return doc;
}

const md = (s: string) => s.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]|<>])/g, '\\$1');

const DIRECTION: Record<Integration['direction'], string> = {
  into_actimo: 'into Actimo',
  out_of_actimo: 'out of Actimo',
  both: 'both ways',
  unknown: 'direction not stated',
};

const CATEGORY: Record<Integration['category'], string> = {
  hris: 'HR system',
  identity: 'identity / sign-in',
  chat: 'chat',
  email: 'email',
  calendar: 'calendar',
  file_sync: 'file sync',
  webhook: 'webhook',
  api: 'API',
  other: 'other',
};

export function integrationsMarkdown(doc: IntegrationsDocument): string {
  const lines = [
    '# Actimo integrations and their Pipedrive replacements',
    '',
    `Migration ${doc.migrationId}, generated ${doc.generatedAt}. ${doc.integrations.length} integration(s) from ${doc.files.map((f) => md(f.name)).join(', ') || '(no integrations export)'}.`,
    '',
    'Integrations are not migrated: each one below says what it did in Actimo and what does that job for Pipedrive.',
    '',
    '| Integration | Kind | Direction | Data it moved | Replacement in Pipedrive |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const i of doc.integrations)
    lines.push(
      `| ${md(i.name)}${i.provider && i.provider !== i.name ? ` (${md(i.provider)})` : ''} | ${CATEGORY[i.category]} | ${DIRECTION[i.direction]} | ${md(i.data.join(', ')) || '(not stated)'} | ${i.replacements.map((r) => md(r.what)).join(' ')} |`,
    );
  if (doc.integrations.length === 0) lines.push('| (none read) | | | | |');
  for (const i of doc.integrations) {
    lines.push('', `## ${md(i.name)}`, '', `From ${md(i.file)} at \`${i.path}\`.`);
    if (i.description) lines.push('', md(i.description));
    const facts = [
      ['Provider', i.provider],
      ['Kind', `${CATEGORY[i.category]}${i.typeAsWritten ? ` (as written: ${i.typeAsWritten})` : ''}`],
      ['Direction', DIRECTION[i.direction]],
      ['Status', i.status],
      ['Schedule', i.schedule],
      ['Endpoint', i.endpoint],
      ['Data it moved', i.data.join(', ') || null],
      ...Object.entries(i.extra).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const),
    ] as const;
    lines.push('');
    for (const [k, v] of facts) if (v) lines.push(`- ${md(k)}: ${md(v)}`);
    lines.push('', '**Replacement**', '');
    for (const r of i.replacements) lines.push(`- ${r.kind.replace('_', ' ')}: ${md(r.what)}`);
  }
  if (doc.unreadable.length) {
    lines.push('', '## Documents to read by hand', '');
    for (const u of doc.unreadable) lines.push(`- ${md(u.file)}: ${md(u.reason)}`);
  }
  return `${lines.join('\n')}\n`;
}
