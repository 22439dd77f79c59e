import type { Knex } from 'knex';

// Which migration created each custom field we created (its provisioning), so a rollback with
// `removeFields` removes only the fields of the migration it rolls back. Null for a field we adopted, and
// for a field recorded before this column existed (its creator is unknown).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('field_schema', (t) => {
    t.bigInteger('created_by_migration_id').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('field_schema', (t) => {
    t.dropColumn('created_by_migration_id');
  });
}
