import type { Knex } from 'knex';

// Webhooks we registered in each company's Pipedrive, the Basic-auth user Pipedrive sends with them (the
// password only as a hash: after registration we only ever check it), and every event received, unique per
// company and event id so a redelivery is stored once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_credentials', (t) => {
    t.bigInteger('company_id').primary().references('id').inTable('companies').onDelete('CASCADE');
    t.string('http_auth_user', 64).notNullable().unique();
    t.string('password_sha256', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable().references('id').inTable('companies').onDelete('CASCADE');
    t.bigInteger('pipedrive_webhook_id').notNullable();
    t.string('event_action', 16).notNullable();
    t.string('event_object', 32).notNullable();
    t.text('subscription_url').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('checked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'event_action', 'event_object']);
  });
  await knex.schema.createTable('webhook_events', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('company_id').notNullable().references('id').inTable('companies').onDelete('CASCADE');
    t.string('event_id', 64).notNullable();
    t.string('action', 16).notNullable();
    t.string('entity', 32).notNullable();
    t.string('entity_id', 32).notNullable();
    t.string('change_source', 16);
    t.string('pipedrive_user_id', 32);
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('deliveries').notNullable().defaultTo(1);
    t.text('payload').notNullable();
    t.string('status', 16).notNullable().defaultTo('pending'); // pending | processing | applied | ignored | failed
    t.integer('tries').notNullable().defaultTo(0);
    t.timestamp('claimed_at', { useTz: true });
    t.timestamp('retry_at', { useTz: true });
    t.timestamp('processed_at', { useTz: true });
    t.text('error');
    t.unique(['company_id', 'event_id']);
    t.index(['status', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_events');
  await knex.schema.dropTable('webhook_subscriptions');
  await knex.schema.dropTable('webhook_credentials');
}
