import type { Knex } from 'knex';

// Per-company settings chosen by the admin (Pipedrive plan and seats for budgeting, budget share,
// visibility, what to keep on uninstall, …) as one validated JSON document.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('company_settings', (t) => {
    t.bigInteger('company_id').primary().references('id').inTable('companies').onDelete('CASCADE');
    t.text('settings').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('company_settings');
}
