import type { Knex } from 'knex';

// One row per admin's migration project: the exports they staged, and later the map and the runs.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('migrations', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable().references('id').inTable('companies').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.string('status', 32).notNullable().defaultTo('draft');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['company_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('migrations');
}
