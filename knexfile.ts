// For the Knex CLI (`npx tsx node_modules/.bin/knex --knexfile knexfile.ts …`); the app itself uses
// `npm run db:migrate`. Same configuration either way.
import { loadConfig } from './server/config.ts';
import { knexConfig } from './server/db.ts';

export default knexConfig(loadConfig().database);
