// `npm run sandbox -- --port 4010 --token <api token>`: the sandbox on its own, for trying the app or a
// script against it. Prints the base URL and the company and API token it serves.
import { Command, InvalidArgumentError, Option } from 'commander';
import { startSandbox } from './index.ts';
import { ensureDemoCompany } from './seed.ts';
import { PLANS, type Plan } from './state/types.ts';

function int(name: string, min: number, max: number) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
}

interface Options {
  port: number;
  host: string;
  token?: string;
  company: string;
  plan: Plan;
  seats: number;
  mode: 'test' | 'demo' | 'plain';
  demo?: boolean;
  snapshot?: string;
  seed?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  json?: boolean;
}

const program = new Command('pipedrive-sandbox')
  .description('A local emulator of the Pipedrive API (v1, v2, OAuth, webhooks, rate limits).')
  .option('--port <port>', 'port to listen on (0 = any free port)', int('--port', 0, 65535), 4010)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--token <api token>', 'API token of the company to create (default: a random one)')
  .option('--company <name>', 'name of the company to create', 'Sandbox company')
  .addOption(
    new Option('--plan <plan>', 'Pipedrive plan (sets burst limits and budget)')
      .choices(PLANS)
      .default('growth'),
  )
  .option('--seats <n>', 'seats (multiplies the daily token budget)', int('--seats', 1, 100_000), 1)
  .addOption(
    new Option('--mode <mode>', 'test/demo serve the /__sandbox inspection API; plain does not')
      .choices(['test', 'demo', 'plain'])
      .default('test'),
  )
  .option('--demo', 'serve the seeded demo company instead of an empty one')
  .option('--snapshot <file>', 'keep state in this JSON file across restarts')
  .option('--seed <seed>', 'seed for field codes and fault injection')
  .option('--client-id <id>', 'register an OAuth app with this client id')
  .option('--client-secret <secret>', 'its client secret')
  .option('--redirect-uri <url>', 'its OAuth callback URL (also where the uninstall DELETE goes)')
  .option('--json', 'print one JSON line instead of text')
  .action(async (o: Options) => {
    const running = await startSandbox({
      port: o.port,
      host: o.host,
      mode: o.mode,
      ...(o.snapshot ? { snapshotFile: o.snapshot } : {}),
      ...(o.seed ? { seed: o.seed } : {}),
    });
    const { sandbox, url } = running;
    let companyId: number;
    let apiToken: string;
    const existing = o.token ? sandbox.resolveApiToken(o.token) : undefined;
    if (existing) {
      companyId = existing.companyId;
      apiToken = o.token!;
    } else if (o.demo) {
      ({ companyId, apiToken } = ensureDemoCompany(sandbox));
    } else {
      ({ companyId, apiToken } = sandbox.addCompany({
        name: o.company,
        plan: o.plan,
        seats: o.seats,
        ...(o.token ? { apiToken: o.token } : {}),
      }));
    }
    if (o.clientId || o.clientSecret || o.redirectUri) {
      if (!o.redirectUri) throw new InvalidArgumentError('--redirect-uri is needed to register an OAuth app');
      sandbox.oauth.registerApp({
        redirectUri: o.redirectUri,
        ...(o.clientId ? { clientId: o.clientId } : {}),
        ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
      });
    }
    const info = sandbox.company(companyId).info;
    const apps = sandbox.oauth
      .listApps()
      .map((a) => ({ clientId: a.clientId, clientSecret: a.clientSecret, redirectUri: a.redirectUri }));
    if (o.json) {
      process.stdout.write(
        `${JSON.stringify({ url, companyId, apiToken, plan: info.plan, seats: info.seats, mode: o.mode, oauthApps: apps })}\n`,
      );
    } else {
      const lines = [
        `Pipedrive sandbox listening on ${url} (mode ${o.mode}; not Pipedrive)`,
        `  company ${companyId} "${info.name}", plan ${info.plan}, ${info.seats} seat(s)`,
        `  API token: ${apiToken}`,
        `  API v2: ${url}/api/v2   API v1: ${url}/api/v1 (also ${url}/v1)   OAuth: ${url}/oauth`,
        ...apps.map((a) => `  OAuth app ${a.clientId} (secret ${a.clientSecret}) → ${a.redirectUri}`),
        ...(o.mode === 'plain' ? [] : [`  inspect: ${url}/__sandbox/companies`]),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    const stop = () => {
      void running.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
