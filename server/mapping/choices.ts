// Columns whose values become options (employment status, industry, or any field the admin sends to an
// option field): the distinct values they hold, read once from the raw rows, and a proposed option for
// each value the curated words or the labels settle. What nothing settles is left for the admin.
import type { Knex } from '../db.ts';
import type { MapDocument } from './document.ts';
import { feedsOf } from './feeds.ts';
import { choiceOf, unmappedValues } from './review.ts';
import { distinctValues } from './staged-input.repository.ts';
import { targetOf } from './targets.ts';
import { proposeValues } from './values.ts';

/** More distinct values than this and a column is not a set of choices. */
export const MAX_CHOICES = 200;

export async function choices(db: Knex, companyId: number, doc: MapDocument): Promise<MapDocument> {
  const next = structuredClone(doc);
  for (const f of next.files) {
    for (const c of f.columns) {
      const feeds = feedsOf(f.kind, c.field);
      const choice = choiceOf(next, f.kind, c.field);
      const isChoice = feeds.some(
        (x) => x.entity && x.target && targetOf(x.entity, x.target)?.value === 'choice',
      );
      if (!choice && !isChoice) continue;
      c.observed ??= await distinctValues(db, companyId, f.fileId, c.column, MAX_CHOICES);
      if (!choice) continue;
      const { values } = proposeValues(unmappedValues(c, choice.options), choice.options);
      if (Object.keys(values).length) c.values = { ...values, ...c.values };
    }
  }
  return next;
}
