import type { Knex } from 'knex';

// The raw data rows of each file, kept so consolidation can be re-run when the admin changes the map,
// without a new upload. One JSON array of cell strings per row keeps it compact. No foreign key: rows
// are written in bulk (COPY on PostgreSQL) and deleted with their file by the repository.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('source_rows', (t) => {
    t.bigInteger('file_id').notNullable();
    t.integer('row_number').notNullable(); // 1-based data row (the header is row 0)
    t.bigInteger('company_id').notNullable();
    t.text('cells').notNullable();
    t.primary(['file_id', 'row_number']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('source_rows');
}
