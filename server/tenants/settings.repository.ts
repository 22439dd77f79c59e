import { type Knex, readJson, writeJson } from '../db.ts';
import { type CompanySettings, companySettingsSchema } from './settings.ts';

export async function readSettings(db: Knex, companyId: number): Promise<CompanySettings> {
  const row = await db('company_settings').where({ company_id: companyId }).first('settings');
  return companySettingsSchema.parse(row ? readJson<unknown>(row.settings) : {});
}

export async function writeSettings(db: Knex, companyId: number, settings: CompanySettings): Promise<void> {
  const doc = writeJson(companySettingsSchema.parse(settings));
  await db('company_settings')
    .insert({ company_id: companyId, settings: doc })
    .onConflict('company_id')
    .merge({ settings: doc, updated_at: db.fn.now() });
}
