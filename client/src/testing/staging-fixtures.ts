// Answers of the staging API as the server gives them, for component tests.
import type {
  FileResult,
  MigrationDetail,
  MigrationOverview,
  SourceFile,
  StagedRecord,
  StagingSummary,
} from '../api/migrations.ts';
import { FakeApi } from './fake-api.ts';

export const NO_COUNTS = { person: 0, organization: 0, membership: 0, metrics: 0, activity: 0, file: 0 };

export function emptySummary(): StagingSummary {
  return { counts: { ...NO_COUNTS }, issues: [] };
}

const MIGRATION = {
  id: 7,
  name: 'Spring move',
  status: 'draft',
  createdAt: '2026-11-24T09:30:00.000Z',
  updatedAt: '2026-11-24T09:30:00.000Z',
};

export function migrationDetail(over: Partial<MigrationDetail> = {}): MigrationDetail {
  return { ...MIGRATION, summary: emptySummary(), ...over };
}

export function overview(over: Partial<MigrationOverview> = {}): MigrationOverview {
  return {
    ...MIGRATION,
    fileCounts: { total: 0, staged: 0, kept: 0, failed: 0 },
    stagedCounts: { ...NO_COUNTS },
    issueCounts: { error: 0, warning: 0, info: 0 },
    ...over,
  };
}

export function sourceFile(over: Partial<SourceFile> = {}): SourceFile {
  return {
    id: 1,
    name: 'users.csv',
    sheetName: null,
    status: 'staged',
    kind: 'users',
    kindConfidence: 0.92,
    kindEvidence: ['headers "User ID" (actimoId), "Email" (email) match a users export'],
    kindOverridden: false,
    error: null,
    encoding: 'utf-8',
    delimiter: ',',
    headerRowIndex: 0,
    byteSize: 2048,
    rowCount: 1200,
    headers: ['User ID', 'First name', 'Email'],
    warnings: [],
    issues: [],
    ...over,
  };
}

export function fileResult(over: Partial<FileResult> = {}): FileResult {
  return {
    fileId: 1,
    name: 'users.csv',
    sheetName: null,
    kind: 'users',
    kindConfidence: 0.92,
    status: 'staged',
    rows: 1200,
    encoding: 'utf-8',
    delimiter: ',',
    alreadyStaged: false,
    error: null,
    ...over,
  };
}

export function person(n: number, over: Partial<StagedRecord> = {}): StagedRecord {
  return {
    entity: 'person',
    actimoId: String(100000 + n),
    personId: String(100000 + n),
    values: {
      actimoId: String(100000 + n),
      firstName: 'Anne',
      lastName: `Hansen ${n}`,
      email: `user${n}@example.dk`,
      companyIds: ['9000'],
    },
    provenance: { actimoId: [1, n + 1, 0], firstName: [1, n + 1, 1], email: [1, n + 1, 3] },
    issues: [],
    ...over,
  };
}

/** Migration 7 on a fake server whose answers follow `state`: tests change it as the server would. */
export function stagingServer(files: SourceFile[] = [], detail: MigrationDetail = migrationDetail()) {
  const state = { files, detail };
  const api = new FakeApi()
    .on('GET', '/api/migrations/7', () => ({ body: state.detail }))
    .on('GET', '/api/migrations/7/files', () => ({ body: { files: state.files } }));
  return { api, state };
}
