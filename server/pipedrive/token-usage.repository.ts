import type { Knex } from '../db.ts';
import type { UsageStore } from './token-budget.ts';

export function tokenUsageStore(db: Knex): UsageStore {
  return {
    async read(companyId, day) {
      const row = await db('pipedrive_token_usage')
        .where({ company_id: companyId, day })
        .first('tokens', 'requests');
      return { tokens: Number(row?.tokens ?? 0), requests: Number(row?.requests ?? 0) };
    },
    async add(companyId, day, tokens, requests) {
      // Insert-or-increment in one statement, so concurrent writers never lose an update.
      await db('pipedrive_token_usage')
        .insert({ company_id: companyId, day, tokens, requests })
        .onConflict(['company_id', 'day'])
        .merge({
          tokens: db.raw('?? + ?', ['pipedrive_token_usage.tokens', tokens]),
          requests: db.raw('?? + ?', ['pipedrive_token_usage.requests', requests]),
          updated_at: db.fn.now(),
        });
    },
  };
}
