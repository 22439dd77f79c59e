import type { Knex } from 'knex';

// Tokens and requests we spent at Pipedrive per company and budget day, so the daily budget holds across
// restarts and across several processes working for one company.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pipedrive_token_usage', (t) => {
    t.bigInteger('company_id').notNullable().references('id').inTable('companies').onDelete('CASCADE');
    t.string('day', 10).notNullable();
    t.bigInteger('tokens').notNullable().defaultTo(0);
    t.bigInteger('requests').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['company_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pipedrive_token_usage');
}
