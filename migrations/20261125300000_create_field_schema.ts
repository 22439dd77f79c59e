import type { Knex } from 'knex';

// Our logical custom fields (actimo_id__c, engagement_score__c, …) per company and entity, and the
// Pipedrive field that holds each: its code (a 40-hex hash that differs in every company), name, type,
// option ids, and whether we created it or adopted a field the account already had.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('field_schema', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable().references('id').inTable('companies').onDelete('CASCADE');
    t.string('entity', 16).notNullable(); // person | organization
    t.string('logical_name', 80).notNullable();
    t.string('field_code', 64).notNullable();
    t.string('field_name', 255).notNullable();
    t.string('field_type', 32).notNullable();
    t.text('options').nullable(); // JSON [{id, label}] for enum and set fields
    t.boolean('created_by_us').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'entity', 'logical_name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('field_schema');
}
