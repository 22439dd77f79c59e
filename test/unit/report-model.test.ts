import { describe, expect, it } from 'vitest';
import { buildReport, type StagingFacts } from '../../server/report/build.ts';
import {
  type EngineRecordRow,
  finalStateOf,
  objectCounts,
  ownerResolution,
} from '../../server/report/engine-facts.ts';
import { engagementChart, reportHtml } from '../../server/report/html.ts';
import { checkInvariant, type EngineFacts, histogram } from '../../server/report/model.ts';
import { skipCsv } from '../../server/report/skip-csv.ts';

const NOW = new Date('2026-11-25T12:00:00Z');

const STAGING: StagingFacts = {
  migrationId: 7,
  migrationName: 'Nov <export>',
  sourceRows: { person: 12, organization: 3, activity: 4, mapped_note: 5 },
  staged: { organization: 3, person: 10, note: 2, mapped_note: 5, file: 0, activity: 4 },
  columns: [
    {
      fileId: 1,
      fileName: 'users.csv',
      kind: 'users',
      column: 0,
      header: 'Email',
      destination: 'Email → Person · Email',
      target: 'person.email',
      rows: 12,
      populated: 9,
    },
    {
      fileId: 1,
      fileName: 'users.csv',
      kind: 'users',
      column: 1,
      header: 'Shoe size',
      destination: 'not migrated',
      target: null,
      rows: 12,
      populated: 12,
    },
  ],
  sourceEngagement: [0, 9.99, 10, 55.5, 100, 101, -1],
  downloads: [
    {
      name: 'workflows.md',
      title: 'Workflow guide',
      url: '/api/migrations/7/artifacts/workflows.md',
      available: true,
    },
    {
      name: 'integrations.md',
      title: 'Integrations',
      url: '/api/migrations/7/artifacts/integrations.md',
      available: false,
    },
  ],
};

const ENGINE: EngineFacts = {
  runs: [
    {
      id: 1,
      kind: 'full',
      status: 'completed',
      startedAt: '2026-11-25T10:00:00.000Z',
      finishedAt: '2026-11-25T10:02:30.000Z',
      requests: 40,
      tokens: 410,
    },
  ],
  objects: {
    person: {
      states: { created: 6, updated: 2, skipped: 1, failed: 1, rolled_back: 0, not_run: 0 },
      reasons: { skipped: { no_email_no_name: 1 }, failed: { http_400: 1 } },
    },
    organization: {
      states: { created: 3, updated: 0, skipped: 0, failed: 0, rolled_back: 0, not_run: 0 },
      reasons: { skipped: {}, failed: {} },
    },
    mapped_note: {
      states: { created: 4, updated: 0, skipped: 1, failed: 0, rolled_back: 0, not_run: 0 },
      reasons: { skipped: { person_skipped: 1 }, failed: {} },
    },
  },
  owners: {
    matched: [{ email: 'admin@example.dk', userId: 7, records: 3 }],
    defaulted: [{ email: 'nobody@x.dk', records: 1, fallbackUserId: 1 }],
  },
  verified: { 'person.email': { written: 8, verified: 7 } },
  mismatches: [
    {
      entity: 'person',
      actimoKey: '100001',
      pipedriveId: 55,
      field: 'email',
      target: 'email',
      sent: 'a@x.dk',
      readBack: null,
    },
  ],
  migratedEngagement: [12, 55.5],
};

describe('the reconciliation report', () => {
  it('before any run: staging figures only, the engine sections empty, and the numbers add up', () => {
    const r = buildReport(STAGING, null, NOW);
    expect(r.objects.map((o) => [o.entity, o.sourceRows, o.mergedRows, o.staged, o.states])).toEqual([
      ['organization', 3, 0, 3, null],
      ['person', 12, 2, 10, null],
      ['note', null, null, 2, null],
      ['mapped_note', 5, 0, 5, null],
      ['file', null, null, 0, null],
      ['activity', 4, 0, 4, null],
    ]);
    expect(r.coverage.map((c) => [c.header, c.populatedPct, c.verifiedPct])).toEqual([
      ['Email', 75, null],
      ['Shoe size', 100, null],
    ]);
    expect([r.runs, r.totals, r.owners, r.mismatches, r.engagement.migrated]).toEqual([
      [],
      null,
      null,
      null,
      null,
    ]);
    expect(checkInvariant(r)).toEqual([]);
  });

  it('after a run: states and reasons per object, % verified, totals, and objects the run did not reach as not run', () => {
    const r = buildReport(STAGING, ENGINE, NOW);
    expect(r.objects.find((o) => o.entity === 'person')!.states).toEqual({
      created: 6,
      updated: 2,
      skipped: 1,
      failed: 1,
      rolled_back: 0,
      not_run: 0,
    });
    expect(r.objects.find((o) => o.entity === 'activity')!.states).toEqual({
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
      rolled_back: 0,
      not_run: 4,
    });
    expect(r.coverage.map((c) => c.verifiedPct)).toEqual([87.5, null]);
    expect(r.totals).toEqual({ requests: 40, tokens: 410, durationMs: 150_000 });
    // Notes from mapped fields: their own line, each staged one in a final state.
    expect(r.objects.find((o) => o.entity === 'mapped_note')).toEqual({
      entity: 'mapped_note',
      sourceRows: 5,
      mergedRows: 0,
      staged: 5,
      states: { created: 4, updated: 0, skipped: 1, failed: 0, rolled_back: 0, not_run: 0 },
      reasons: { skipped: { person_skipped: 1 }, failed: {} },
    });
    // Notes: staged 2, and the run counted none: not run.
    expect(checkInvariant(r)).toEqual([]);
  });

  it('names every object whose numbers do not add up', () => {
    const bad: EngineFacts = {
      ...ENGINE,
      objects: {
        ...ENGINE.objects,
        person: {
          states: { created: 6, updated: 2, skipped: 2, failed: 1, rolled_back: 0, not_run: 0 },
          reasons: { skipped: { a: 1 }, failed: { b: 1 } },
        },
      },
    };
    expect(checkInvariant(buildReport(STAGING, bad, NOW))).toEqual([
      { entity: 'person', message: '10 staged records, but the final states add up to 11' },
      { entity: 'person', message: '2 skipped, but their reason codes count 1' },
    ]);
    const rows = buildReport(
      { ...STAGING, sourceRows: { ...STAGING.sourceRows, organization: 2 } },
      null,
      NOW,
    );
    expect(checkInvariant(rows)).toEqual([
      {
        entity: 'organization',
        message: '3 staged records from 2 source rows: a record without a source row',
      },
    ]);
  });

  it('bins engagement scores by tens, 100 in the last bin, and counts those outside 0–100', () => {
    const h = histogram([0, 9.99, 10, 55.5, 100, 101, -1, Number.NaN]);
    expect(h.bins.map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect([h.total, h.outside]).toEqual([8, 3]);
  });
});

describe('the HTML report', () => {
  it('is self-contained: inline style and SVG, no script, no external address', () => {
    const html = reportHtml(buildReport(STAGING, ENGINE, NOW));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    // The only links are the downloads of available artifacts, on this server.
    expect(html.match(/href="[^"]*"/g)).toEqual(['href="/api/migrations/7/artifacts/workflows.md"']);
  });

  it('escapes the data it shows', () => {
    const html = reportHtml(buildReport(STAGING, ENGINE, NOW));
    expect(html).toContain('<title>Reconciliation report: Nov &lt;export&gt;</title>');
    expect(html).not.toContain('Nov <export>');
  });

  it('says "no run yet" for the engine sections before any run', () => {
    const html = reportHtml(buildReport(STAGING, null, NOW));
    expect(html.match(/No run yet/g)?.length).toBe(5);
    expect(html.match(/<svg /g)?.length).toBe(1);
  });

  it('lists each owner e-mail with its resolution and records, escaped, under the tally', () => {
    const html = reportHtml(
      buildReport(
        STAGING,
        {
          ...ENGINE,
          owners: {
            matched: [{ email: 'admin@example.dk', userId: 7, records: 3 }],
            defaulted: [
              { email: '<b>@x.dk', records: 2, fallbackUserId: 1 },
              { email: null, records: 1, fallbackUserId: 1 },
            ],
            counts: { matched: 3, defaulted: 3 },
          },
        },
        NOW,
      ),
    );
    expect(html).toContain(
      '<p>3 record(s) with an owner matched to a Pipedrive user, 3 given the default owner.</p>' +
        '<table><thead><tr><th>Owner email</th><th>Resolution</th><th>Records</th></tr></thead><tbody>' +
        '<tr><td>admin@example.dk</td><td>matched Pipedrive user 7</td><td class="num">3</td></tr>' +
        '<tr><td>&lt;b&gt;@x.dk</td><td>no such user: defaulted to Pipedrive user 1</td><td class="num">2</td></tr>' +
        '<tr><td>(none in the export)</td><td>no owner named: defaulted to Pipedrive user 1</td><td class="num">1</td></tr>' +
        '</tbody></table>',
    );
  });

  it('draws one bar per non-empty bin and source beside migrated', () => {
    const svg = engagementChart(histogram([5, 15, 15]), histogram([15]));
    expect(svg.match(/<rect /g)?.length).toBe(20 + 2);
    expect(svg).toContain('<title>source 10–20: 2</title>');
    expect(svg).toContain('<title>migrated 10–20: 1</title>');
  });
});

describe('the skip file', () => {
  it('is the original header and rows, by row number, with the reason and detail, neutralised', () => {
    expect(
      skipCsv(
        ['User ID', 'Job title'],
        [
          {
            row: 9,
            cells: ['100009', '=Head of ops'],
            reason: 'http_400',
            detail: 'Pipedrive refused the email',
          },
          { row: 2, cells: ['100002'], reason: 'no_email_no_name', detail: null },
          { row: 4, cells: ['100004', 'x', 'extra'], reason: 'duplicate', detail: null },
        ],
        ';',
      ),
    ).toBe(
      '\uFEFFUser ID;Job title;Column 3;Skip reason;Skip detail\r\n' +
        '100002;;;no_email_no_name;\r\n' +
        '100004;x;extra;duplicate;\r\n' +
        "100009;'=Head of ops;;http_400;Pipedrive refused the email\r\n",
    );
  });
});

describe('owners per e-mail from the records’ owner resolution', () => {
  it('folds case and spaces, lists most records first, and keeps records without an e-mail apart', () => {
    expect(
      ownerResolution([
        { email: 'Admin@Example.dk', userId: 7, defaulted: false, records: 2 },
        { email: ' admin@example.dk', userId: 7, defaulted: false, records: 3 },
        { email: 'hr@example.dk', userId: 8, defaulted: false, records: 5 },
        { email: 'nobody@elsewhere.example', userId: 1, defaulted: true, records: 4 },
        { email: null, userId: 1, defaulted: true, records: 4 },
        { email: 'gone@example.dk', userId: 1, defaulted: true, records: 1 },
        { email: 'b@example.dk', userId: 1, defaulted: true, records: 1 },
      ]),
    ).toEqual({
      matched: [
        { email: 'admin@example.dk', userId: 7, records: 5 },
        { email: 'hr@example.dk', userId: 8, records: 5 },
      ],
      defaulted: [
        { email: 'nobody@elsewhere.example', records: 4, fallbackUserId: 1 },
        { email: null, records: 4, fallbackUserId: 1 },
        { email: 'b@example.dk', records: 1, fallbackUserId: 1 },
        { email: 'gone@example.dk', records: 1, fallbackUserId: 1 },
      ],
      counts: { matched: 10, defaulted: 10 },
    });
  });

  it('gives empty lists and zero counts when no record has an owner', () => {
    expect(ownerResolution([])).toEqual({ matched: [], defaulted: [], counts: { matched: 0, defaulted: 0 } });
  });
});

describe('final states from the engine’s records', () => {
  const row = (over: Partial<EngineRecordRow>): EngineRecordRow => ({
    entity: 'person',
    action: 'create',
    state: 'done',
    reasonCode: null,
    errorCode: null,
    rolledBack: false,
    ...over,
  });

  it('puts each record in exactly one final state', () => {
    expect(
      [
        row({}),
        row({ action: 'merge' }),
        row({ action: 'skip', state: 'skipped', reasonCode: 'no_name' }),
        row({ state: 'failed', errorCode: 'http_400' }),
        row({ rolledBack: true }),
        row({ state: 'planned' }),
        row({ state: 'pending' }),
        row({ state: 'unknown' }),
      ].map(finalStateOf),
    ).toEqual(['created', 'updated', 'skipped', 'failed', 'rolled_back', 'not_run', 'not_run', 'not_run']);
  });

  it('counts states and reason codes per object', () => {
    expect(
      objectCounts([
        row({ action: 'skip', state: 'skipped', reasonCode: 'no_name' }),
        row({ action: 'skip', state: 'skipped' }),
        row({ state: 'failed' }),
        row({ entity: 'organization', action: 'merge' }),
      ]),
    ).toEqual({
      person: {
        states: { created: 0, updated: 0, skipped: 2, failed: 1, rolled_back: 0, not_run: 0 },
        reasons: { skipped: { no_name: 1, unspecified: 1 }, failed: { unknown_error: 1 } },
      },
      organization: {
        states: { created: 0, updated: 1, skipped: 0, failed: 0, rolled_back: 0, not_run: 0 },
        reasons: { skipped: {}, failed: {} },
      },
    });
  });
});
