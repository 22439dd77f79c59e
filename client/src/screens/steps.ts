import type { StepId } from '../paths.ts';

/** What each step is for, in the admin's words. */
export const STEP_TEXTS: Record<StepId, { title: string; lead: string }> = {
  upload: {
    title: 'Upload your Actimo exports',
    lead: 'Drop the CSV files (or one zip) exported from Actimo. Each file is recognised and checked before anything moves.',
  },
  map: {
    title: 'Check the field map',
    lead: 'See where every Actimo column lands in Pipedrive, with how sure we are, and change what needs changing.',
  },
  plan: {
    title: 'Review the plan',
    lead: 'What will be created, merged and skipped, and how much of your daily Pipedrive API budget it needs.',
  },
  sample: {
    title: 'Try a sample',
    lead: 'Move a few records first and compare them field by field with the source.',
  },
  run: {
    title: 'Run the migration',
    lead: 'Live progress for every kind of record; pause, resume or cancel at any time, even after closing the panel.',
  },
  report: {
    title: 'Read the report',
    lead: 'Everything that moved, everything that did not and why, with downloads to keep.',
  },
  rollback: {
    title: 'Roll back',
    lead: 'Preview what would be removed from Pipedrive, then undo the migration.',
  },
  delta: {
    title: 'Bring in changes',
    lead: 'Upload a newer export and apply only what changed since the migration.',
  },
};
