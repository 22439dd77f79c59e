import { describe, expect, it } from 'vitest';
import { integrationsDocument, integrationsMarkdown } from '../../server/report/artifact-documents.ts';
import { readIntegrationsFile } from '../../server/report/integrations.ts';

const JSON_EXPORT = JSON.stringify({
  integrations: [
    {
      name: 'BambooHR sync',
      provider: 'BambooHR',
      type: 'HRIS',
      direction: 'inbound',
      schedule: 'daily 02:00',
      fields: [{ from: 'employeeNumber', to: 'Employee ID' }, 'department', 'jobTitle'],
      apiKeyHint: '****abcd',
    },
    { name: 'Slack notifications', type: 'chat', direction: 'outbound', objects: 'messages; surveys' },
  ],
});

const CSV_EXPORT =
  'Name;Type;Direction;Data\r\nAzure AD;SSO;inbound;users, groups\r\nNightly SFTP;file import;in;contacts\r\n';

describe('reading the integrations export', () => {
  it('reads a JSON export: kind, direction, the data it moved, and unread properties kept', () => {
    const { integrations, unreadable } = readIntegrationsFile('integrations.json', Buffer.from(JSON_EXPORT));
    expect(unreadable).toBeNull();
    expect(
      integrations.map((i) => [i.name, i.provider, i.category, i.direction, i.data, i.path, i.extra]),
    ).toEqual([
      [
        'BambooHR sync',
        'BambooHR',
        'hris',
        'into_actimo',
        ['employeeNumber → Employee ID', 'department', 'jobTitle'],
        '$.integrations[0]',
        { apiKeyHint: '****abcd' },
      ],
      [
        'Slack notifications',
        null,
        'chat',
        'out_of_actimo',
        ['messages', 'surveys'],
        '$.integrations[1]',
        {},
      ],
    ]);
    expect(integrations[0]!.replacements.map((r) => r.kind)).toEqual(['marketplace_app', 'api_sync']);
    expect(integrations[0]!.replacements[0]!.what).toBe(
      'Search the Pipedrive Marketplace for "BambooHR"; a connector keeps persons in step with the HR system.',
    );
  });

  it('reads a table export with one integration per row, whatever the delimiter', () => {
    const { integrations } = readIntegrationsFile('integrations.csv', Buffer.from(CSV_EXPORT));
    expect(integrations.map((i) => [i.name, i.category, i.direction, i.data, i.path])).toEqual([
      ['Azure AD', 'identity', 'into_actimo', ['users', 'groups'], 'row 1'],
      ['Nightly SFTP', 'file_sync', 'into_actimo', ['contacts'], 'row 2'],
    ]);
  });

  it('lists a document it cannot read as data instead of dropping it', () => {
    expect(readIntegrationsFile('integrations-overview.pdf', Buffer.from('%PDF-1.7\0binary'))).toEqual({
      integrations: [],
      unreadable: {
        file: 'integrations-overview.pdf',
        reason: 'a .pdf document: kept as uploaded, read it by hand',
      },
    });
  });

  it.each([
    [
      '[{"type": "HRIS"}]',
      'integration_without_name',
      'integrations.json, at $[0]: an integration needs a name or a provider',
    ],
    ['{"exportedAt": "x"}', 'not_integrations', 'integrations.json, at $: no list of integrations found'],
    [
      '{"integrations": {"name": "x"}}',
      'not_a_list',
      'integrations.json, at $.integrations: expected a list',
    ],
    ['[{"name": "x",', 'invalid_json', 'integrations.json, at $: not valid JSON'],
  ])('refuses malformed JSON %s, naming the file and the path', (text, code, message) => {
    let caught: unknown;
    try {
      readIntegrationsFile('integrations.json', Buffer.from(text));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code });
    expect((caught as Error).message.startsWith(message)).toBe(true);
  });
});

describe('the integrations document', () => {
  const doc = integrationsDocument(
    3,
    [
      { fileId: 1, name: 'integrations.json', sha256: 'aa', bytes: Buffer.from(JSON_EXPORT) },
      { fileId: 2, name: 'integrations.pdf', sha256: 'bb', bytes: Buffer.from('%PDF\0') },
    ],
    new Date('2026-11-25T12:00:00Z'),
  );

  it('lists the files with how many integrations each held, and the unreadable ones', () => {
    expect(doc.files).toEqual([
      { fileId: 1, name: 'integrations.json', sha256: 'aa', integrations: 2 },
      { fileId: 2, name: 'integrations.pdf', sha256: 'bb', integrations: 0 },
    ]);
    expect(doc.unreadable).toEqual([
      { file: 'integrations.pdf', reason: 'a .pdf document: kept as uploaded, read it by hand' },
    ]);
  });

  it('renders a table row and a section per integration', () => {
    const text = integrationsMarkdown(doc);
    expect(text).toContain(
      '| BambooHR sync (BambooHR) | HR system | into Actimo | employeeNumber → Employee ID, department, jobTitle | Search the Pipedrive Marketplace for "BambooHR"; a connector keeps persons in step with the HR system. Without an app: sync persons through the Pipedrive API (Zapier or Make have Pipedrive connectors), or re-run this migration as a delta import. |',
    );
    const section = text.slice(
      text.indexOf('## Slack notifications'),
      text.indexOf('## Documents to read by hand'),
    );
    expect(section).toBe(
      [
        '## Slack notifications',
        '',
        'From integrations.json at `$.integrations[1]`.',
        '',
        '- Kind: chat (as written: chat)',
        '- Direction: out of Actimo',
        '- Data it moved: messages, surveys',
        '',
        '**Replacement**',
        '',
        '- marketplace app: The Slack or Microsoft Teams app from the Pipedrive Marketplace.',
        '- automation: Automations can post a message to a channel when a person is created or updated.',
        '',
        '',
      ].join('\n'),
    );
    expect(
      text.endsWith(
        '## Documents to read by hand\n\n- integrations.pdf: a .pdf document: kept as uploaded, read it by hand\n',
      ),
    ).toBe(true);
  });
});
