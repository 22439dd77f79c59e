// The demo company `npm start` shows when no Pipedrive credentials are configured: a few Pipedrive users
// with e-mail addresses (for owner matching), existing persons and organizations (some share e-mails or
// names with typical Actimo exports, so merges can be tried), a couple of custom fields already in use,
// and no "Actimo ID" field yet, so the first migration has to create it.
import { addField } from './entities/fields.ts';
import type { AddedCompany, Sandbox } from './sandbox.ts';

export const DEMO_DOMAIN = 'demo-company';

const DAY = 24 * 3600 * 1000;

export function seedDemoCompany(sandbox: Sandbox): AddedCompany {
  const added = sandbox.addCompany({
    name: 'Demo Company (sandbox)',
    domain: DEMO_DOMAIN,
    plan: 'growth',
    seats: 5,
    users: [
      { name: 'Maria Tamm', email: 'maria.tamm@demo-company.example', isAdmin: true },
      { name: 'Jaan Kask', email: 'jaan.kask@demo-company.example' },
      { name: 'Liis Saar', email: 'liis.saar@demo-company.example' },
      { name: 'Peter Mets', email: 'peter.mets@demo-company.example' },
    ],
  });
  const { companyId, users } = added;
  const [maria, jaan, liis] = users;
  const company = sandbox.company(companyId);
  const now = sandbox.clock.now();
  const employeeNo = addField(
    company,
    'person',
    { name: 'Employee number', field_type: 'varchar' },
    maria!.id,
    now,
  );
  const department = addField(
    company,
    'person',
    { name: 'Department', field_type: 'enum', options: ['HR', 'Sales', 'Support', 'Engineering'] },
    maria!.id,
    now,
  );
  const dept = (label: string) => department.options!.find((o) => o.label === label)!.id;
  const human = sandbox.human;
  const org = (name: string, city: string) =>
    human.create(companyId, 'organization', {
      name,
      address: { value: city, locality: city },
      owner_id: maria!.id,
    }).id;
  const demoOrg = org('Demo Company', 'Tallinn');
  const northwind = org('Northwind Traders', 'Tartu');
  const people: [string, string | null, number, number | null, Record<string, unknown>][] = [
    [
      'Anna Kuusk',
      'anna.kuusk@demo-company.example',
      jaan!.id,
      demoOrg,
      { [employeeNo.code]: 'E-1001', [department.code]: dept('HR') },
    ],
    [
      'Mart Lepp',
      'mart.lepp@demo-company.example',
      jaan!.id,
      demoOrg,
      { [employeeNo.code]: 'E-1002', [department.code]: dept('Sales') },
    ],
    [
      'Kadri Rebane',
      'kadri.rebane@demo-company.example',
      liis!.id,
      demoOrg,
      { [department.code]: dept('Support') },
    ],
    ['Kadri Rebane', 'k.rebane@gmail.example', liis!.id, null, {}],
    ['Toomas Ilves', null, maria!.id, demoOrg, { [employeeNo.code]: 'E-1005' }],
    ['Helen Org', 'helen.org@northwind.example', jaan!.id, northwind, {}],
    [
      'Siim Sepp',
      'siim.sepp@demo-company.example',
      maria!.id,
      demoOrg,
      { [department.code]: dept('Engineering') },
    ],
    ['Eva Kivi', 'eva.kivi@demo-company.example', liis!.id, demoOrg, {}],
  ];
  people.forEach(([name, email, owner, orgId, custom], i) => {
    human.create(companyId, 'person', {
      name,
      owner_id: owner,
      ...(orgId === null ? {} : { org_id: orgId }),
      ...(email === null ? {} : { emails: [{ value: email, primary: true, label: 'work' }] }),
      phones: i % 3 === 0 ? [{ value: `+372 5${String(5550000 + i)}`, label: 'mobile' }] : [],
      custom_fields: custom,
      add_time: new Date(now - (400 - i * 30) * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  });
  human.create(companyId, 'note', {
    content: '<p>Onboarding call done; prefers e-mail.</p>',
    person_id: 1,
    add_time: new Date(now - 200 * DAY).toISOString().slice(0, 19).replace('T', ' '),
  });
  return added;
}

/** The demo company if the sandbox (e.g. restored from a snapshot) already has it, else a new one. */
export function ensureDemoCompany(sandbox: Sandbox): { companyId: number; apiToken: string } {
  for (const c of sandbox.companies.values()) {
    if (c.info.domain !== DEMO_DOMAIN) continue;
    const admin = c.activeUsers().find((u) => u.is_admin) ?? c.activeUsers()[0];
    const token = admin ? sandbox.apiTokensOf(c.id, admin.id)[0] : undefined;
    if (admin && token) return { companyId: c.id, apiToken: token };
    if (admin) return { companyId: c.id, apiToken: sandbox.createApiToken(c.id, admin.id) };
  }
  const added = seedDemoCompany(sandbox);
  return { companyId: added.companyId, apiToken: added.apiToken };
}
