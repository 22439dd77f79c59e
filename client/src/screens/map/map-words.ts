// The field map in the admin's words: confidences, origins, destination choices. Pure.

import type { DestinationChoice, MapColumn, MapDestination, MapView } from '../../api/map.ts';
import type { BadgeTone } from '../../components/Badge.tsx';

/** Below this the server flags a proposal as a guess (server/mapping/review.ts LOW_CONFIDENCE). */
export const LOW_CONFIDENCE = 0.6;

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** How sure the proposal is, as a word and a tone (the word carries the meaning). */
export function confidenceOf(c: MapColumn): { word: string; tone: BadgeTone } {
  if (c.flags.some((f) => f.blocking)) return { word: 'Needs you', tone: 'danger' };
  if (c.field === null) return { word: 'Ignored', tone: 'neutral' };
  if (c.origin === 'admin' || c.decided) return { word: 'Checked', tone: 'success' };
  if (c.confidence < LOW_CONFIDENCE) return { word: 'Low', tone: 'warning' };
  return c.confidence >= 0.9 ? { word: 'High', tone: 'success' } : { word: 'Medium', tone: 'info' };
}

export const ORIGIN_WORDS: Record<string, string> = {
  proposal: 'proposed',
  profile: 'from a saved profile',
  admin: 'changed by you',
};

export const ENTITY_LABELS: Record<string, string> = { person: 'Person', organization: 'Organization' };

/** The select value that opens the list of the account's own custom fields. */
export const PICK_EXISTING = 'existing';

/** The select value of a destination, and the choices a target offers. */
export function destinationValue(d: MapDestination): string {
  const kind = d.destination.kind;
  if (kind === 'standard') return `standard:${String(d.destination.key)}`;
  if (kind === 'existing') return `existing:${String(d.destination.fieldCode)}`;
  return kind;
}

export function destinationOptions(d: MapDestination): Array<{ value: string; label: string }> {
  const out = d.choices.standard.map((s) => ({
    value: `standard:${s.key}`,
    label: `${ENTITY_LABELS[d.entity]} field “${s.label}”`,
  }));
  if (d.destination.kind === 'custom' || d.choices.custom)
    out.push({
      value: 'custom',
      label:
        d.destination.kind === 'custom'
          ? `Our custom field “${String(d.destination.name)}”`
          : 'A new custom field',
    });
  if (d.destination.kind === 'existing')
    out.push({
      value: `existing:${String(d.destination.fieldCode)}`,
      label: `Existing field “${String(d.destination.name ?? d.destination.fieldCode)}”`,
    });
  // The same rule as our custom fields: references and the name never go to a custom field.
  if (d.choices.custom) out.push({ value: PICK_EXISTING, label: 'A field the account already has…' });
  if (d.choices.note) out.push({ value: 'note', label: 'A note on the record (“From Actimo”)' });
  if (d.choices.ignore) out.push({ value: 'ignore', label: 'Not migrated' });
  out.push({ value: 'proposal', label: 'What we proposed' });
  return out;
}

export function destinationChoice(value: string): DestinationChoice | null {
  if (value.startsWith('standard:')) return { kind: 'standard', key: value.slice('standard:'.length) };
  if (value.startsWith('existing:')) return { kind: 'existing', fieldCode: value.slice('existing:'.length) };
  if (value === 'custom' || value === 'note' || value === 'ignore' || value === 'proposal')
    return { kind: value };
  return null;
}

/** The destinations a column's field feeds (Person/Organization targets), in the map's order. */
export function destinationsOf(view: MapView, c: MapColumn): MapDestination[] {
  return c.feeds.flatMap((f) =>
    view.destinations.filter((d) => d.entity === f.entity && d.field === f.target),
  );
}
