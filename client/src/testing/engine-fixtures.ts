// Answers of the migration engine API as the server gives them, for component tests.
import type { DiffRecord, Plan, Run, RunProgress } from '../api/engine.ts';

export function plan(over: Partial<Plan> = {}): Plan {
  return {
    policy: 'merge',
    mapVersion: 3,
    entities: {
      organization: { create: 12, merge: 2, skip: 0, done: 0, reasons: { matched_name: 2 } },
      person: {
        create: 1180,
        merge: 15,
        skip: 5,
        done: 0,
        reasons: { matched_email: 15, missing_name: 5 },
      },
      note: { create: 1195, merge: 0, skip: 5, done: 0, reasons: { nothing_to_note: 5 } },
    },
    owners: { matched: 1100, defaulted: 95 },
    existing: { persons: 40, organizations: 3 },
    estimate: {
      lines: [
        { op: 'POST /v2/persons', requests: 1180, tokens: 11800 },
        { op: 'PATCH /v2/persons/{id}', requests: 15, tokens: 150 },
      ],
      requests: 2404,
      tokens: 24040,
      burstLimit: 80,
      seconds: 75,
      dailyAllowance: 30000,
      days: 1,
    },
    ...over,
  };
}

export function run(over: Partial<Run> = {}): Run {
  return {
    id: 4,
    migrationId: 7,
    kind: 'full',
    status: 'running',
    requested: null,
    sampleSize: null,
    estimate: null,
    counts: {},
    requests: 120,
    tokens: 1200,
    writes: 110,
    resumeAt: null,
    createdAt: 1_795_000_000_000,
    startedAt: 1_795_000_001_000,
    finishedAt: null,
    errorCode: null,
    errorMessage: null,
    ...over,
  };
}

export const RUN_COUNTS = {
  organization: { done: 14 },
  person: { done: 400, planned: 795, skipped: 5 },
  note: { planned: 1195, skipped: 5 },
};

export function progress(over: Partial<RunProgress> = {}): RunProgress {
  return {
    runId: 4,
    status: 'running',
    phase: 'person',
    counts: RUN_COUNTS,
    requests: 500,
    tokens: 5000,
    writes: 480,
    resumeAt: null,
    ...over,
  };
}

/** An event stream body as the server writes it. */
export function sse(events: Array<{ event: string; data: unknown }>): string {
  return events
    .map((e, i) => `id: ${i + 1}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`)
    .join('');
}

export function diffRecord(over: Partial<DiffRecord> = {}): DiffRecord {
  return {
    recordId: 31,
    entity: 'person',
    actimoId: 'u-1001',
    label: 'Søren Østergaard',
    pipedriveId: 501,
    state: 'done',
    verified: true,
    fields: [
      {
        target: 'name',
        pipedriveKey: 'name',
        sources: [{ fileName: 'brugere.csv', row: 2, header: 'Navn', raw: 'Søren Østergaard' }],
        transform: 'trim',
        sent: 'Søren Østergaard',
        readBack: 'Søren Østergaard',
        differs: false,
      },
      {
        target: 'phone',
        pipedriveKey: 'phone',
        sources: [{ fileName: 'brugere.csv', row: 2, header: 'Mobil', raw: '+45 20 30 40 50' }],
        transform: 'phone_e164',
        sent: [{ value: '+4520304050', primary: true }],
        readBack: [{ value: '+4520304050', primary: true }],
        differs: false,
      },
    ],
    ...over,
  };
}
