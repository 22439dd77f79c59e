import type { Knex } from 'knex';

// The consolidated records of a migration, one table per entity, all of one shape: the Actimo id, the
// person it belongs to (for metrics, activities and files), the logical values and, for each value,
// where it came from (file, row, column). Rebuilt as a whole by each consolidation run.
const TABLES = [
  'staged_persons',
  'staged_organizations',
  'staged_person_metrics',
  'staged_activities',
  'staged_files',
];

export async function up(knex: Knex): Promise<void> {
  for (const name of TABLES) {
    await knex.schema.createTable(name, (t) => {
      t.bigIncrements('id').primary();
      t.bigInteger('company_id').notNullable();
      t.bigInteger('migration_id').notNullable().references('id').inTable('migrations').onDelete('CASCADE');
      t.string('actimo_id', 255).notNullable();
      t.string('person_id', 255).nullable();
      t.text('data').notNullable();
      t.text('provenance').notNullable();
      t.integer('issue_count').notNullable().defaultTo(0);
      t.unique(['company_id', 'migration_id', 'actimo_id']);
      t.index(['company_id', 'migration_id', 'person_id']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const name of [...TABLES].reverse()) await knex.schema.dropTable(name);
}
