import type { Knex } from 'knex';

// Every file (or workbook sheet) uploaded into a migration: what it was recognised as and how it was
// read. JSON columns are text on both engines. A file is known by its sha256 within a migration, which
// makes re-staging the same files a no-op.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('source_files', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable();
    t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
    t.string('name', 1024).notNullable();
    t.string('sheet_name', 255).notNullable().defaultTo(''); // '' when not a workbook
    t.string('status', 16).notNullable(); // staged | failed | kept
    t.string('kind', 32).notNullable();
    t.float('kind_confidence').notNullable().defaultTo(0);
    t.text('kind_evidence').notNullable().defaultTo('[]');
    t.boolean('kind_overridden').notNullable().defaultTo(false);
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    t.string('encoding', 16).nullable();
    t.string('delimiter', 4).nullable();
    t.integer('header_row_index').nullable();
    t.string('sha256', 64).notNullable();
    t.bigInteger('byte_size').notNullable();
    t.integer('row_count').notNullable().defaultTo(0);
    t.text('headers').notNullable().defaultTo('[]');
    t.text('column_profiles').notNullable().defaultTo('[]');
    t.text('column_roles').notNullable().defaultTo('[]');
    t.text('warnings').notNullable().defaultTo('[]');
    t.text('stored_path').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'migration_id', 'sha256', 'sheet_name']);
    t.index(['company_id', 'migration_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('source_files');
}
