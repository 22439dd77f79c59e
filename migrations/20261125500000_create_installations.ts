import type { Knex } from 'knex';

// One Marketplace installation per company: the installing admin's OAuth tokens (encrypted), where the
// company's API lives (api_domain can change, so it is updated on every refresh) and whether it is active.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('installations', (t) => {
    t.bigInteger('company_id').primary().references('id').inTable('companies').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable();
    t.string('api_domain', 255).notNullable();
    t.text('access_token_enc');
    t.text('refresh_token_enc');
    t.timestamp('expires_at', { useTz: true });
    t.text('scope').notNullable().defaultTo('');
    t.string('status', 16).notNullable(); // 'active' | 'uninstalled'
    t.timestamp('installed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('uninstalled_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('installations');
}
