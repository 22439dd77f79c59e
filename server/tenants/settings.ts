// What the admin chooses for the whole company. Validated as one document with defaults, so adding a
// setting never needs a migration and an old stored document always reads.
import { z } from 'zod';
import type { BudgetPolicy } from '../pipedrive/token-budget.ts';
import { dailyTokenBudget } from '../pipedrive/token-budget.ts';

/** An IANA time zone name ("Europe/Copenhagen"), as Intl knows them. */
export const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone');

export const companySettingsSchema = z
  .object({
    /** Pipedrive plan and seats set the daily token budget and the first burst limit. */
    pipedrivePlan: z.enum(['lite', 'growth', 'premium', 'ultimate']).default('lite'),
    seats: z.number().int().min(1).max(100_000).default(1),
    /** Purchased API token top-ups per day. */
    tokenTopUps: z.number().int().min(0).default(0),
    /** Share of the daily budget this app may use; the rest stays for the company's other integrations. */
    budgetShare: z.number().gt(0).max(1).default(0.8),
    /** Pipedrive resets the budget at midnight of its server's zone, which it does not publish. */
    budgetResetTimeZone: timeZoneSchema.default('UTC'),
    /** `visible_to` for records we create; null = the account's default visibility. */
    visibleTo: z.number().int().nullable().default(null),
    /** Existing Pipedrive persons matched by Actimo ID or email: merge into them, or always create. */
    duplicatePolicy: z.enum(['merge', 'create']).default('merge'),
    /** Keep the ledger of what we wrote in Pipedrive after an uninstall (everything else is purged). */
    keepLedgerOnUninstall: z.boolean().default(false),
    /** Hours after the full run in which a newer Actimo export is expected as a delta (shown in the panel). */
    deltaWindowHours: z.number().int().min(1).max(2160).default(48),
  })
  .strict();

export type CompanySettings = z.infer<typeof companySettingsSchema>;

export const DEFAULT_SETTINGS: CompanySettings = companySettingsSchema.parse({});

export function budgetPolicyOf(s: CompanySettings): BudgetPolicy {
  return {
    dailyTokens: dailyTokenBudget(s.pipedrivePlan, s.seats, s.tokenTopUps),
    share: s.budgetShare,
    resetTimeZone: s.budgetResetTimeZone,
  };
}
