import type { Knex } from 'knex';

// The migration engine's state (decision 0006): one row per source record per migration (the plan, the
// Pipedrive id once known, the fingerprint of what was last written), an append-only ledger of every
// intended write, the runs, mismatches found by read-back, and the lease that keeps two workers off one
// migration. Engine times are epoch milliseconds (bigint): the engine's clock is injectable and the two
// database engines then compare them the same way.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('migrations', (t) => {
    t.string('lease_owner', 64).nullable();
    t.bigInteger('lease_expires_at').nullable();
  });
  await knex.schema.createTable('runs', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.string('kind', 16).notNullable(); // sample | full | verify
    t.string('status', 16).notNullable(); // queued | running | paused | completed | failed | cancelled
    t.string('requested', 16).nullable(); // pause | cancel, asked while running
    t.integer('map_version').nullable();
    t.integer('sample_size').nullable();
    t.text('settings').notNullable();
    t.text('estimate').nullable();
    t.text('counts').notNullable();
    t.integer('requests').notNullable().defaultTo(0);
    t.integer('tokens').notNullable().defaultTo(0);
    t.integer('writes').notNullable().defaultTo(0);
    t.bigInteger('resume_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('started_at').nullable();
    t.bigInteger('finished_at').nullable();
    t.bigInteger('updated_at').notNullable();
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    t.index(['company_id', 'migration_id', 'id']);
    t.index(['status']);
  });
  await knex.schema.createTable('migration_records', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.string('entity', 16).notNullable(); // organization | person | note | file | activity
    t.string('actimo_key', 255).notNullable();
    t.string('person_key', 255).nullable(); // the person a note, file or activity belongs to
    t.string('label', 255).nullable(); // a name to search by
    t.string('action', 16).notNullable(); // create | merge | skip
    t.string('reason_code', 64).nullable();
    t.bigInteger('pipedrive_id').nullable();
    t.boolean('existed_before').notNullable().defaultTo(false);
    t.string('state', 16).notNullable(); // planned | pending | done | failed | unknown | skipped
    t.string('fingerprint', 64).nullable();
    t.text('written').nullable();
    t.string('update_time', 32).nullable();
    t.boolean('verified').nullable();
    t.text('read_back').nullable(); // the values read back by verification, by Pipedrive key
    t.integer('mismatch_count').notNullable().defaultTo(0);
    t.boolean('in_sample').notNullable().defaultTo(false);
    t.bigInteger('last_run_id').nullable();
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['company_id', 'migration_id', 'entity', 'actimo_key']);
    t.index(['company_id', 'migration_id', 'entity', 'state']);
  });
  await knex.schema.createTable('ledger', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.bigInteger('record_id').notNullable().references('id').inTable('migration_records').onDelete('CASCADE');
    t.bigInteger('run_id').notNullable().references('id').inTable('runs').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.string('op', 16).notNullable(); // create | update | delete | restore | upload
    t.string('state', 16).notNullable(); // intent | sent | done | failed | unknown
    t.text('request').notNullable();
    t.string('fingerprint', 64).notNullable();
    t.text('before_image').nullable();
    t.bigInteger('response_id').nullable();
    t.string('response_update_time', 32).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['run_id', 'seq']);
    t.index(['company_id', 'migration_id', 'state']);
    t.index(['record_id']);
  });
  await knex.schema.createTable('migration_mismatches', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.bigInteger('record_id').notNullable().references('id').inTable('migration_records').onDelete('CASCADE');
    t.bigInteger('run_id').notNullable();
    t.string('field', 255).notNullable();
    t.string('target', 255).notNullable();
    t.text('sent').nullable();
    t.text('read_back').nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['record_id', 'field']);
    t.index(['company_id', 'migration_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('migration_mismatches');
  await knex.schema.dropTable('ledger');
  await knex.schema.dropTable('migration_records');
  await knex.schema.dropTable('runs');
  await knex.schema.alterTable('migrations', (t) => {
    t.dropColumn('lease_expires_at');
    t.dropColumn('lease_owner');
  });
}
