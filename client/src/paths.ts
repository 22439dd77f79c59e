// Every screen has a URL, so a step can be opened directly (and reloaded) inside Pipedrive's iframe.

export const STEPS = [
  { id: 'upload', label: 'Upload' },
  { id: 'map', label: 'Map' },
  { id: 'plan', label: 'Plan' },
  { id: 'sample', label: 'Sample' },
  { id: 'run', label: 'Run' },
  { id: 'report', label: 'Report' },
  { id: 'rollback', label: 'Rollback' },
  { id: 'delta', label: 'Delta' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

export function isStepId(value: string | undefined): value is StepId {
  return STEPS.some((s) => s.id === value);
}

export const paths = {
  home: '/',
  migrations: '/migrations',
  diagnostics: '/diagnostics',
  migration: (migrationId: string) => `/migrations/${encodeURIComponent(migrationId)}`,
  step: (migrationId: string, step: StepId) => `/migrations/${encodeURIComponent(migrationId)}/${step}`,
  /** The staged records of one entity, optionally only those with an issue (of one code). */
  records: (migrationId: string, entity: string, issue?: string | null) =>
    `/migrations/${encodeURIComponent(migrationId)}/upload/records/${encodeURIComponent(entity)}${
      issue ? `?issue=${encodeURIComponent(issue)}` : ''
    }`,
} as const;

/** The step a migration URL is on: the first segment after the migration id. */
export function stepOfPath(pathname: string): StepId | null {
  const segment = /^\/migrations\/[^/]+\/([^/?#]+)/.exec(pathname)?.[1];
  return isStepId(segment) ? segment : null;
}
