// Field-map answers as the server gives them (server/mapping/view.ts), for the map screen's tests.
import type {
  AccountFieldChoices,
  MapColumn,
  MapDestination,
  MapView,
  Preview,
  ProvisioningReport,
} from '../api/map.ts';

export function mapColumn(over: Partial<MapColumn> & Pick<MapColumn, 'column' | 'header'>): MapColumn {
  return {
    field: null,
    confidence: 0.95,
    reason: `header "${over.header}" is known`,
    origin: 'proposal',
    decided: false,
    transform: 'text, spaces trimmed',
    destination: 'not migrated (ignored)',
    flags: [],
    optionMapping: null,
    feeds: [],
    parse: { type: 'text' },
    profile: { type: 'text', nonEmpty: 3, examples: ['a', 'b'] },
    ...over,
  };
}

export function mapDestination(
  over: Partial<MapDestination> & Pick<MapDestination, 'entity' | 'field' | 'label'>,
): MapDestination {
  return {
    destination: { kind: 'ignore' },
    confidence: 0.9,
    reason: 'proposed',
    origin: 'proposal',
    description: 'not migrated',
    hasData: true,
    choices: { standard: [], custom: true, note: true, ignore: true },
    sources: [],
    ...over,
  };
}

const ENTITY_WORDS = { person: 'Person', organization: 'Organization' } as const;

/** A destination that lands in Pipedrive's standard field `key` (called `keyLabel`), its one standard choice. */
export function standardDestination(
  over: Partial<MapDestination> &
    Pick<MapDestination, 'entity' | 'field' | 'label'> & { key: string; keyLabel: string },
): MapDestination {
  const { key, keyLabel, ...rest } = over;
  return mapDestination({
    destination: { kind: 'standard', key },
    description: `${ENTITY_WORDS[over.entity]} · ${keyLabel}`,
    choices: { standard: [{ key, label: keyLabel }], custom: true, note: true, ignore: true },
    ...rest,
  });
}

const USERS = 11;

/** A users export of three columns: the id (sure), Afdeling (sure) and a low-confidence guess. */
export function mapView(over: Partial<MapView> = {}): MapView {
  return {
    migrationId: 7,
    version: 3,
    status: 'draft',
    note: null,
    createdAt: '2026-11-24T10:00:00.000Z',
    confirmedAt: null,
    provisionedAt: null,
    files: [
      {
        fileId: USERS,
        name: 'brugere.csv',
        kind: 'users',
        fieldChoices: [
          { field: 'actimoId', label: 'Actimo ID' },
          { field: 'department', label: 'department' },
          { field: 'site', label: 'site' },
          { field: 'jobTitle', label: 'job title' },
        ],
        columns: [
          mapColumn({
            column: 0,
            header: 'User ID',
            field: 'actimoId',
            confidence: 1,
            reason: 'header "User ID" is the Actimo user id; all 3 rows have a value',
            destination: 'Actimo ID → Person · our custom field "Actimo ID" (text)',
            feeds: [{ entity: 'person', target: 'actimoId' }],
            profile: { type: 'id', nonEmpty: 3, examples: ['u-1', 'u-2', 'u-3'] },
          }),
          mapColumn({
            column: 1,
            header: 'Afdeling',
            field: 'department',
            confidence: 0.92,
            reason: 'header "Afdeling" is Danish for department; all 3 rows have a value, read as short text',
            destination: 'Department → Person · our custom field "Department" (text)',
            feeds: [{ entity: 'person', target: 'department' }],
            profile: { type: 'text', nonEmpty: 3, examples: ['Salg', 'Lager'] },
          }),
          mapColumn({
            column: 2,
            header: 'Stilling?',
            field: 'jobTitle',
            confidence: 0.45,
            reason: 'header "Stilling?" looks like job title (fuzzy match)',
            destination: 'Job title → Person · Job title',
            feeds: [{ entity: 'person', target: 'jobTitle' }],
            flags: [
              {
                code: 'low_confidence',
                blocking: true,
                message: '"Stilling?" → job title is a guess (45%): accept it or choose another field',
              },
            ],
          }),
        ],
      },
    ],
    destinations: [
      mapDestination({
        entity: 'person',
        field: 'actimoId',
        label: 'Actimo ID',
        destination: {
          kind: 'custom',
          logicalName: 'actimo_id__c',
          name: 'Actimo ID',
          type: 'varchar',
        },
        description: 'Person · our custom field "Actimo ID" (text)',
        choices: { standard: [], custom: true, note: false, ignore: false },
        sources: [{ fileId: USERS, fileName: 'brugere.csv', column: 0, header: 'User ID' }],
      }),
      mapDestination({
        entity: 'person',
        field: 'department',
        label: 'Department',
        destination: {
          kind: 'custom',
          logicalName: 'department__c',
          name: 'Department',
          type: 'varchar',
        },
        description: 'Person · our custom field "Department" (text)',
        sources: [{ fileId: USERS, fileName: 'brugere.csv', column: 1, header: 'Afdeling' }],
      }),
      standardDestination({
        entity: 'person',
        field: 'jobTitle',
        label: 'Job title',
        key: 'job_title',
        keyLabel: 'Job title',
        sources: [{ fileId: USERS, fileName: 'brugere.csv', column: 2, header: 'Stilling?' }],
      }),
      standardDestination({
        entity: 'organization',
        field: 'domain',
        label: 'Website',
        key: 'website',
        keyLabel: 'Website',
        hasData: false,
      }),
    ],
    settings: {
      missingName: 'skip',
      invalidValue: 'drop_value',
      timeZone: 'Europe/Copenhagen',
      emailLabel: 'work',
      phoneLabel: 'mobile',
    },
    blockers: [
      {
        code: 'low_confidence',
        message: 'brugere.csv: "Stilling?" → job title is a guess (45%): accept it or choose another field',
        fileId: USERS,
        column: 2,
      },
    ],
    canConfirm: false,
    gaps: {
      columnsWithoutDestination: [],
      destinationsWithoutData: [
        { entity: 'organization', field: 'domain', label: 'Website', destination: 'Organization · Website' },
      ],
    },
    ...over,
  };
}

/** The same map once the guess is accepted: nothing blocks. */
export function readyMap(over: Partial<MapView> = {}): MapView {
  const base = mapView();
  const [users] = base.files;
  if (!users) throw new Error('fixture without files');
  return {
    ...base,
    files: [
      {
        ...users,
        columns: users.columns.map((c) =>
          c.column === 2 ? { ...c, flags: [], decided: true, origin: 'admin' } : c,
        ),
      },
    ],
    blockers: [],
    canConfirm: true,
    ...over,
  };
}

export function personPreview(over: Partial<Preview> = {}): Preview {
  return {
    entity: 'person',
    actimoId: 'u-2',
    mapVersion: 3,
    exact: false,
    pendingReferences: ['org_id', 'owner_id'],
    payload: {
      body: {
        name: 'Anna Holm',
        job_title: 'Lagerchef',
        custom_fields: { 'new:actimo_id__c': 'u-2', 'new:department__c': 'Lager' },
      },
      trace: [
        {
          target: 'name',
          pipedriveKey: 'name',
          transform: 'first and last name joined',
          value: 'Anna Holm',
          sources: [
            { fileName: 'brugere.csv', row: 3, header: 'Fornavn', raw: 'Anna' },
            { fileName: 'brugere.csv', row: 3, header: 'Efternavn', raw: 'Holm' },
          ],
        },
        {
          target: 'department',
          pipedriveKey: 'custom_fields.new:department__c',
          transform: 'text, spaces trimmed',
          value: 'Lager',
          sources: [{ fileName: 'brugere.csv', row: 3, header: 'Afdeling', raw: ' Lager ' }],
        },
      ],
      problems: [],
      note: null,
      skip: null,
    },
    ...over,
  };
}

export function provisioningPlan(over: Partial<ProvisioningReport> = {}): ProvisioningReport {
  return {
    mapVersion: 4,
    mapStatus: 'confirmed',
    plan: {
      fields: [
        {
          entity: 'person',
          name: 'Actimo ID',
          type: 'varchar',
          targetLabel: 'Actimo ID',
          action: 'keep',
          reason: 'recorded',
        },
        {
          entity: 'person',
          name: 'Department',
          type: 'varchar',
          targetLabel: 'Department',
          action: 'create',
          reason: 'not in the account',
        },
      ],
      blocked: false,
      blockers: [],
    },
    warnings: [],
    applied: false,
    ...over,
  };
}

/**
 * The account's custom person fields as the server offers them for an existing destination: an option
 * field Afdeling (Salg, Lager), a date field and a text field Team.
 */
export function accountFieldChoices(): AccountFieldChoices {
  return {
    person: [
      {
        code: 'f00d',
        name: 'Afdeling',
        type: 'enum',
        typeLabel: 'single option',
        options: ['Salg', 'Lager'],
        fits: ['department', 'site', 'jobTitle'],
      },
      { code: 'da7e', name: 'Birthday', type: 'date', typeLabel: 'date', options: [], fits: ['hireDate'] },
      { code: 'cafe', name: 'Team', type: 'varchar', typeLabel: 'text', options: [], fits: ['department'] },
    ],
    organization: [],
  };
}
