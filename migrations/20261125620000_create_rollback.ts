import type { Knex } from 'knex';

// Rollback (issue 7): who started each run (the audit log's "who"), each record's rollback outcome, and the
// rollback plan of each rollback run: one item per record (delete, restore, keep, nothing to do) or custom
// field (remove, keep), decided once at the start of the run so a resumed run carries on with the same
// decisions even after its own deletions changed what Pipedrive shows.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.string('started_by', 64).nullable();
  });
  await knex.schema.alterTable('migration_records', (t) => {
    t.string('rollback_state', 16).nullable(); // deleted | restored | kept | gone
    t.string('rollback_reason', 64).nullable();
    t.bigInteger('rollback_run_id').nullable();
  });
  await knex.schema.createTable('rollback_items', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.bigInteger('run_id').notNullable().references('id').inTable('runs').onDelete('CASCADE');
    t.bigInteger('record_id').nullable().references('id').inTable('migration_records').onDelete('CASCADE');
    t.string('entity', 16).notNullable(); // activity | file | note | person | organization | field
    t.integer('step').notNullable(); // the order the items are worked in (newest entity first)
    t.bigInteger('pipedrive_id').nullable();
    t.string('field_code', 64).nullable();
    t.string('action', 16).notNullable(); // delete | restore | keep | none | remove_field | keep_field
    t.string('reason', 64).notNullable();
    t.text('detail').notNullable(); // JSON: restore body, conflicting fields, holders of a field
    t.string('status', 16).notNullable(); // planned | done | failed
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['company_id', 'run_id', 'step', 'id']);
    t.index(['company_id', 'migration_id', 'record_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rollback_items');
  await knex.schema.alterTable('migration_records', (t) => {
    t.dropColumn('rollback_run_id');
    t.dropColumn('rollback_reason');
    t.dropColumn('rollback_state');
  });
  await knex.schema.alterTable('runs', (t) => {
    t.dropColumn('started_by');
  });
}
