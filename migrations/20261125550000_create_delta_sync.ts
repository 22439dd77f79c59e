import type { Knex } from 'knex';

// Delta sync (docs/delta-sync.md): what people changed in Pipedrive on records we migrated, seen through
// webhooks or the reconciliation sweep, one row per change (unique per record and Pipedrive update time,
// so a webhook and the sweep seeing the same change record it once); on each record, the fields a human
// changed since our last write and when Pipedrive lost it; on the migration, when it went live and how
// far the sweep has read.
export async function up(knex: Knex): Promise<void> {
  // In local mode our company id is not Pipedrive's: the webhook credentials remember the Pipedrive
  // company they were registered in, so its deliveries are accepted.
  await knex.schema.alterTable('webhook_credentials', (t) => {
    t.bigInteger('pipedrive_company_id').nullable();
  });
  await knex.schema.createTable('record_changes', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.bigInteger('record_id').notNullable().references('id').inTable('migration_records').onDelete('CASCADE');
    t.string('kind', 16).notNullable(); // edit | delete
    t.string('source', 16).notNullable(); // webhook | sweep
    t.string('change_key', 64).notNullable(); // Pipedrive's update_time of the change; 'delete' for a deletion
    t.text('fields').notNullable(); // [{ key, value, previous, ours }]
    t.string('pipedrive_user_id', 32).nullable();
    t.string('change_source', 16).nullable();
    t.string('event_id', 64).nullable();
    t.bigInteger('occurred_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['record_id', 'kind', 'change_key']);
    t.index(['company_id', 'migration_id', 'id']);
  });
  await knex.schema.alterTable('migration_records', (t) => {
    t.text('human_fields').nullable(); // JSON array of Pipedrive keys a human changed since our last write
    t.bigInteger('human_changed_at').nullable();
    t.bigInteger('deleted_in_pipedrive_at').nullable();
    t.bigInteger('gone_from_export_at').nullable(); // no longer in the newer Actimo export (flagged, never deleted)
    // A webhook names the Pipedrive record: find what we migrated by it.
    t.index(['company_id', 'entity', 'pipedrive_id'], 'migration_records_pipedrive_idx');
  });
  await knex.schema.alterTable('migrations', (t) => {
    t.bigInteger('live_at').nullable();
    t.string('swept_until', 32).nullable();
    t.bigInteger('swept_at').nullable();
    // The newest source file of the snapshot the last full or delta run used; newer files are the delta.
    t.bigInteger('snapshot_file_id').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('migrations', (t) => {
    t.dropColumn('snapshot_file_id');
    t.dropColumn('swept_at');
    t.dropColumn('swept_until');
    t.dropColumn('live_at');
  });
  await knex.schema.alterTable('migration_records', (t) => {
    t.dropIndex(['company_id', 'entity', 'pipedrive_id'], 'migration_records_pipedrive_idx');
    t.dropColumn('gone_from_export_at');
    t.dropColumn('deleted_in_pipedrive_at');
    t.dropColumn('human_changed_at');
    t.dropColumn('human_fields');
  });
  await knex.schema.dropTable('record_changes');
  await knex.schema.alterTable('webhook_credentials', (t) => {
    t.dropColumn('pipedrive_company_id');
  });
}
