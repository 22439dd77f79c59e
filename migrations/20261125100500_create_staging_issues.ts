import type { Knex } from 'knex';

// Validation issues of staged records, with a stable reason code and where the offending value is.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staging_issues', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.string('entity', 16).notNullable();
    t.string('actimo_id', 255).notNullable();
    t.string('code', 48).notNullable();
    t.string('severity', 8).notNullable(); // error | warning | info
    t.string('field', 64).nullable();
    t.text('message').notNullable();
    t.text('source').nullable(); // JSON [fileId, row, column]
    t.index(['company_id', 'migration_id', 'entity', 'actimo_id']);
    t.index(['company_id', 'migration_id', 'code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staging_issues');
}
