import type { Knex } from 'knex';

// The field map of a migration, one row per version (append-only): the source and destination sides as
// one JSON document, draft or confirmed (by whom, when), and once provisioned the map resolved to this
// company's Pipedrive field codes. Runs name the version they used.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('migration_maps', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.string('status', 16).notNullable().defaultTo('draft'); // draft | confirmed
    t.text('document').notNullable();
    t.string('note', 255).nullable(); // what changed in this version, in words
    t.bigInteger('created_by').nullable();
    t.bigInteger('confirmed_by').nullable();
    t.timestamp('confirmed_at', { useTz: true }).nullable();
    t.text('resolved').nullable();
    t.timestamp('provisioned_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'migration_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('migration_maps');
}
