// Export-kind detection: which Actimo export a file is, from its headers (the same synonym table as the
// column roles), its content and its name, with a confidence and the evidence in plain words.
import path from 'node:path';
import { type ExportKind, TABULAR_KINDS, type TabularKind } from '../staging/vocabulary.ts';
import { headerKey } from './header.ts';
import type { ColumnProfile } from './profile.ts';
import { FILE_NAME_HINTS, SYNONYMS } from './synonyms.ts';

export interface KindDetection {
  kind: ExportKind;
  /** 0–1. Below 0.5 the panel asks the admin to confirm the kind. */
  confidence: number;
  evidence: string[];
  /** The runner-up, so the admin sees what else it could be. */
  alternative?: { kind: ExportKind; score: number };
}

/** Fields without which a file cannot be that kind (one of each inner list must match). */
const REQUIRED: Record<TabularKind, string[][]> = {
  users: [['actimoId'], ['firstName', 'lastName', 'fullName', 'email']],
  companies: [['actimoId'], ['name']],
  memberships: [['personId'], ['companyId']],
  engagement: [['personId'], ['engagementScore']],
  training: [['personId'], ['courseId', 'courseName', 'quizScore', 'completedAt']],
  messages: [
    ['personId'],
    ['openRate', 'clickRate', 'publishedTo', 'notifiedTo', 'openedBy', 'deliveryStatus', 'messageCount'],
  ],
  surveys: [['personId'], ['surveyName', 'responseStatus']],
  activities: [
    ['type', 'subject'],
    ['date', 'duration', 'ownerEmail'],
  ],
  files: [['personId'], ['fileName', 'path']],
};

export function kindFromFileName(fileName: string): ExportKind | null {
  const base = path.basename(fileName).replace(/\.[^.]+$/, '');
  for (const [re, kind] of FILE_NAME_HINTS) if (re.test(base)) return kind as ExportKind;
  return null;
}

function matchedFields(kind: TabularKind, headers: readonly string[]): Map<string, string> {
  const keyToField = new Map<string, string>();
  for (const [field, syn] of Object.entries(SYNONYMS[kind])) {
    for (const h of syn.headers) if (!keyToField.has(headerKey(h))) keyToField.set(headerKey(h), field);
  }
  const matched = new Map<string, string>();
  for (const h of headers) {
    const field = keyToField.get(headerKey(h));
    if (field && !matched.has(field)) matched.set(field, h);
  }
  return matched;
}

/** Scores every tabular kind; the best one that has its required fields wins. */
export function detectKind(
  fileName: string,
  headers: readonly string[],
  profiles: readonly ColumnProfile[],
): KindDetection {
  const hint = kindFromFileName(fileName);
  const scores = TABULAR_KINDS.map((kind) => {
    const matched = matchedFields(kind, headers);
    const fields = SYNONYMS[kind];
    let score = 0;
    for (const field of matched.keys()) score += fields[field]?.weight ?? 0;
    const complete = REQUIRED[kind].every((any) => any.some((f) => matched.has(f)));
    if (hint === kind) score += 2;
    // Content: an email column says "people"; memberships are narrow link tables.
    if (kind === 'users' && profiles.some((p) => p.type === 'email')) score += 1;
    if (kind === 'memberships' && headers.length <= 4) score += 1;
    return { kind, score, complete, matched, coverage: matched.size / Math.max(1, headers.length) };
  });
  scores.sort((a, b) => Number(b.complete) - Number(a.complete) || b.score - a.score);
  const [best, second] = scores;
  if (!best?.complete || best.score < 2) {
    const evidence = [
      'no known export has these headers: ' +
        headers
          .slice(0, 8)
          .map((h) => `"${h}"`)
          .join(', '),
    ];
    if (hint) evidence.push(`the file name suggests ${hint}, but the headers do not match it`);
    return { kind: 'unknown', confidence: 0, evidence };
  }
  const margin = best.score - (second?.complete ? second.score : 0);
  const confidence = Math.min(
    0.99,
    Math.round((0.4 + 0.4 * best.coverage + Math.min(0.2, margin / 20)) * 100) / 100,
  );
  const evidence = [
    `headers ${[...best.matched.entries()].map(([f, h]) => `"${h}" (${f})`).join(', ')} match a ${best.kind} export`,
  ];
  if (hint === best.kind) evidence.push(`the file name "${path.basename(fileName)}" says ${best.kind}`);
  if (best.kind === 'users' && profiles.some((p) => p.type === 'email'))
    evidence.push('one column holds email addresses');
  const out: KindDetection = { kind: best.kind, confidence, evidence };
  if (second?.complete) out.alternative = { kind: second.kind, score: second.score };
  return out;
}

/** Kinds kept as documents (not parsed into rows), recognised by name and content. */
export function detectDocumentKind(fileName: string, head: string): KindDetection | null {
  const hint = kindFromFileName(fileName);
  const trimmed = head.trimStart();
  if (/\.json$/i.test(fileName) || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (hint === 'integrations')
      return {
        kind: 'integrations',
        confidence: 0.8,
        evidence: ['a JSON document named like an integrations export'],
      };
    return {
      kind: 'workflows',
      confidence: hint === 'workflows' ? 0.9 : 0.6,
      evidence: ['a JSON document', ...(hint === 'workflows' ? [`the file name says workflows`] : [])],
    };
  }
  if (hint === 'integrations')
    return { kind: 'integrations', confidence: 0.8, evidence: [`the file name says integrations`] };
  return null;
}
