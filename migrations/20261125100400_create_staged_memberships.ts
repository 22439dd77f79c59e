import type { Knex } from 'knex';

// Person–organization links, from the memberships export and from the users export's company column.
// The primary one becomes the Person's organization in Pipedrive; the others go into a note.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staged_memberships', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.string('person_id', 255).notNullable();
    t.string('organization_id', 255).notNullable();
    t.boolean('is_primary').notNullable().defaultTo(false);
    t.string('source', 16).notNullable(); // memberships | users
    t.text('provenance').notNullable();
    t.unique(['company_id', 'migration_id', 'person_id', 'organization_id']);
    t.index(['company_id', 'migration_id', 'organization_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staged_memberships');
}
