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
} as const;
