import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/index.ts';
import { DEMO_DOMAIN, ensureDemoCompany } from '../../../sandbox/seed.ts';
import { sdkClients } from '../../helpers/sandbox.ts';
import { exited, run, startUntil } from '../../helpers/spawn.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pd-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sandbox snapshot and demo data', () => {
  it('keeps companies, tokens, records and field codes across a restart', async () => {
    const file = path.join(dir, 'state', 'sandbox.json');
    const first = await startSandbox({ snapshotFile: file });
    const { apiToken } = first.sandbox.addCompany({ name: 'Persisted Co' });
    const pd = sdkClients(first.url, { apiKey: apiToken });
    const field = await pd.personFields.addPersonField({
      AddPersonFieldRequest: { field_name: 'Actimo ID', field_type: 'varchar' },
    });
    const code = field.data!.field_code;
    await pd.persons.addPerson({ AddPersonRequest: { name: 'Kept', custom_fields: { [code]: 'A-9' } } });
    await pd.files.addFile({ file: new File(['bytes'], 'k.txt', { type: 'text/plain' }), person_id: 1 });
    await first.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).companies).toHaveLength(1);

    const second = await startSandbox({ snapshotFile: file });
    try {
      const again = sdkClients(second.url, { apiKey: apiToken });
      const person = await again.persons.getPerson({ id: 1 });
      expect(person.data).toMatchObject({ name: 'Kept', custom_fields: { [code]: 'A-9' } });
      const download = await fetch(`${second.url}/v1/files/1/download`, {
        headers: { 'x-api-token': apiToken },
      });
      expect(await download.text()).toBe('bytes');
      expect((await again.persons.addPerson({ AddPersonRequest: { name: 'Next' } })).data!.id).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('seeds the demo company once: users with e-mails, persons, no Actimo ID field yet', async () => {
    const file = path.join(dir, 'demo.json');
    const first = await startSandbox({ mode: 'demo', snapshotFile: file });
    const demo = ensureDemoCompany(first.sandbox);
    const pd = sdkClients(first.url, { apiKey: demo.apiToken });
    const users = await pd.users.getUsers();
    expect(users.data!.map((u) => u.email)).toEqual([
      'maria.tamm@demo-company.example',
      'jaan.kask@demo-company.example',
      'liis.saar@demo-company.example',
      'peter.mets@demo-company.example',
    ]);
    const persons = await pd.persons.getPersons({});
    expect(persons.data).toHaveLength(8);
    expect(persons.data!.filter((p) => p.emails!.length === 0).map((p) => p.name)).toEqual(['Toomas Ilves']);
    const fields = await pd.personFields.getPersonFields({ limit: 500 });
    expect(fields.data!.filter((f) => f.is_custom_field).map((f) => f.field_name)).toEqual([
      'Employee number',
      'Department',
    ]);
    await first.close();

    const second = await startSandbox({ mode: 'demo', snapshotFile: file });
    try {
      expect(ensureDemoCompany(second.sandbox)).toEqual(demo);
      expect([...second.sandbox.companies.values()].map((c) => c.info.domain)).toEqual([DEMO_DOMAIN]);
    } finally {
      await second.close();
    }
  });

  it('refuses a snapshot that is not JSON, naming the file', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{not json');
    await expect(startSandbox({ snapshotFile: file })).rejects.toThrow(
      `sandbox snapshot ${file} is not valid JSON; move it away to start fresh`,
    );
  });
});

describe('npm run sandbox', () => {
  it('starts alone, prints its base URL and serves the given API token; stops on SIGTERM', async () => {
    const token = 'cafe'.repeat(10);
    const { child, match } = await startUntil(
      ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--token', token, '--plan', 'lite'],
      {},
      /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*API token: ([0-9a-f]+)/,
    );
    try {
      expect(match[2]).toBe(token);
      const pd = sdkClients(match[1]!, { apiKey: token });
      expect((await pd.persons.addPerson({ AddPersonRequest: { name: 'CLI person' } })).data!.id).toBe(1);
      const v1 = await fetch(`${match[1]}/v1/users/me`, { headers: { 'x-api-token': token } });
      expect(v1.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe(0);
  });

  it('rejects an unknown plan with a one-line error', async () => {
    const r = await run(['--import', 'tsx', 'sandbox/cli.ts', '--plan', 'gold'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "option '--plan <plan>' argument 'gold' is invalid. Allowed choices are lite, growth, premium, ultimate.",
    );
  });
});
