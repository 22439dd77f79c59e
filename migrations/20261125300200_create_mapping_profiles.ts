import type { Knex } from 'knex';

// Saved mapping profiles per company ("Actimo export, Nov 2026"), one row per version of a name: the
// column decisions per file signature (kind + headers) and the destination side, as one JSON document.
// A new upload whose headers match a signature gets that file's decisions.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mapping_profiles', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable().references('id').inTable('companies').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.integer('version').notNullable();
    t.text('signatures').notNullable(); // JSON array of the file signatures it holds
    t.text('document').notNullable();
    t.bigInteger('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'name', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('mapping_profiles');
}
