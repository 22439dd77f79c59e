// How much load the Pipedrive sandbox takes, so benchmarks of the migration engine measure the engine
// and not the emulator. Baseline: a bare Express app that parses the same JSON and answers a similar body,
// measured in the same run. The sandbox should comfortably exceed the highest burst rate Pipedrive allows
// (Ultimate, OAuth: 480 requests per 2 s = 240 requests/s).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { startSandbox } from '../sandbox/index.ts';
import { measure, printFigure, printHeader, printRatio } from './report.ts';

const REQUESTS = 3_000;
const CONCURRENCY = 16;
const BIG_COMPANY = 100_000;
const HIGHEST_BURST_RATE = 480 / 2;

async function drive(url: string, headers: Record<string, string>, n = REQUESTS): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: `Person ${i}`, emails: [{ value: `p${i}@example.com` }] }),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  const { ms } = await measure(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  return (n / ms) * 1000;
}

async function bareExpress(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  let id = 0;
  app.post('/api/v2/persons', express.json(), (req, res) => {
    id += 1;
    res.json({ success: true, data: { id, ...(req.body as object), add_time: new Date().toISOString() } });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export default async function run(): Promise<void> {
  printHeader(
    'sandbox',
    `Pipedrive sandbox throughput (${REQUESTS} POST /api/v2/persons, ${CONCURRENCY} in flight)`,
  );

  const base = await bareExpress();
  await drive(`${base.url}/api/v2/persons`, {}, 300); // warm-up
  const baseline = await drive(`${base.url}/api/v2/persons`, {});
  await base.close();

  const sb = await startSandbox({
    mode: 'test',
    settings: { limits: { burst: false, search: false, budget: false } },
  });
  const { apiToken, companyId } = sb.sandbox.addCompany({ name: 'Bench', plan: 'ultimate', seats: 100 });
  await drive(`${sb.url}/api/v2/persons`, { 'x-api-token': apiToken }, 300);
  const ours = await drive(`${sb.url}/api/v2/persons`, { 'x-api-token': apiToken });
  printRatio({ label: 'creates per second vs bare Express', ours, baseline, unit: 'req/s' });
  printRatio({
    label: 'creates per second vs the highest Pipedrive burst rate (Ultimate, OAuth)',
    ours,
    baseline: HIGHEST_BURST_RATE,
    unit: 'req/s',
    target: 2,
  });

  // A company the size of a large migration: how fast are the reads an importer makes?
  const ctx = sb.sandbox.human;
  const fill = await measure(async () => {
    for (let i = sb.sandbox.company(companyId).persons.size; i < BIG_COMPANY; i++) {
      ctx.create(companyId, 'person', { name: `Bulk ${i}`, emails: [{ value: `bulk${i}@example.com` }] });
    }
  });
  printFigure(`filling a company to ${BIG_COMPANY.toLocaleString('en-US')} persons`, fill.ms, 'ms');
  printFigure('peak RSS with that company in memory', fill.peakRssMb, 'MB');
  const headers = { 'x-api-token': apiToken };
  const listPage = await measure(async () => {
    let cursor: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const url = `${sb.url}/api/v2/persons?limit=500${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await (await fetch(url, { headers })).json()) as {
        additional_data: { next_cursor: string | null };
      };
      cursor = body.additional_data.next_cursor;
    }
  });
  printFigure('GET /api/v2/persons?limit=500, mean of the first 10 pages', listPage.ms / 10, 'ms');
  const search = await measure(async () => {
    for (let i = 0; i < 10; i++) {
      await (
        await fetch(
          `${sb.url}/api/v2/persons/search?term=bulk9999${i}@example.com&fields=email&exact_match=true`,
          { headers },
        )
      ).json();
    }
  });
  printFigure(
    `exact e-mail search over ${BIG_COMPANY.toLocaleString('en-US')} persons, mean of 10`,
    search.ms / 10,
    'ms',
  );
  await sb.close();
}
