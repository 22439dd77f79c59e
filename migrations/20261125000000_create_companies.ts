import type { Knex } from 'knex';

// A company is a Pipedrive company (its id is Pipedrive's company id). Every other table hangs off it,
// so the tenant is part of every key and every query.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('companies', (t) => {
    t.bigInteger('id').primary();
    t.string('name', 255).notNullable();
    t.string('mode', 16).notNullable(); // 'local' | 'marketplace'
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('companies');
}
