import type { Knex } from 'knex';

// Scratch space for consolidation: one fact per source row, keyed and ordered so that all rows of one
// Actimo id can be read together in bounded pages (1M users never sit in memory). Emptied after each run.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staging_facts', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable();
    t.string('kind', 16).notNullable();
    t.string('actimo_id', 255).notNullable();
    t.string('recency', 64).notNullable();
    t.text('payload').notNullable();
    t.index(['company_id', 'migration_id', 'kind', 'actimo_id', 'recency', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staging_facts');
}
