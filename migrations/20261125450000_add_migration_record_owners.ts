import type { Knex } from 'knex';

// Owner resolution per record (docs/migration-engine.md): the owner e-mail the export asked for, the
// Pipedrive user id used, and whether it was the default owner (no user with that e-mail, or none asked).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('migration_records', (t) => {
    t.string('owner_email', 320).nullable();
    t.bigInteger('owner_user_id').nullable();
    t.boolean('owner_defaulted').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('migration_records', (t) => {
    t.dropColumn('owner_email');
    t.dropColumn('owner_user_id');
    t.dropColumn('owner_defaulted');
  });
}
