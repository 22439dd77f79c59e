// The destination side's vocabulary: for Persons and Organizations, every logical field a staged record
// offers (its "target"), which staged values feed it, what kind of value it is, and where in Pipedrive it
// may land. Pure data; the proposal, the payload builder and the documents all read it.
import type { WritableFieldType } from './schema.ts';

export type PipedriveEntity = 'person' | 'organization';
export const PIPEDRIVE_ENTITIES: readonly PipedriveEntity[] = ['person', 'organization'];

/** Standard Person/Organization fields we write, by their API v2 body key. */
export type StandardKey =
  | 'name'
  | 'emails'
  | 'phones'
  | 'job_title'
  | 'org_id'
  | 'owner_id'
  | 'add_time'
  | 'address'
  | 'website'
  | 'industry'
  | 'employee_count';

export const STANDARD_LABELS: Record<StandardKey, string> = {
  name: 'Name',
  emails: 'Email',
  phones: 'Phone',
  job_title: 'Job title',
  org_id: 'Organization',
  owner_id: 'Owner',
  add_time: 'created (add time)',
  address: 'Address',
  website: 'Website',
  industry: 'Industry',
  employee_count: 'Number of employees',
};

/** What a staged value is, which decides the Pipedrive field types that can hold it. */
export type ValueKind = 'text' | 'number' | 'date' | 'timestamp' | 'email' | 'phone' | 'choice' | 'reference';

/** A staged record a target reads from: the person, its metric aggregates, or the organization. */
export type RecordPart = 'person' | 'metrics' | 'organization';

export interface Target {
  entity: PipedriveEntity;
  /** The logical name of the destination row (a staged field name, or `name`/`organization`/`owner`). */
  field: string;
  label: string;
  part: RecordPart;
  /** Staged fields that feed it (the first one that has a value wins, except for combined values). */
  from: readonly string[];
  value: ValueKind;
  /** Standard fields it can land in. */
  standard: readonly StandardKey[];
  /** Actimo ID and name must land somewhere: no note, no ignore. */
  required?: boolean;
  /** References (organization, owner) cannot go to a custom field. */
  noCustom?: boolean;
}

const t = (entity: PipedriveEntity, part: RecordPart, x: Omit<Target, 'entity' | 'part'>): Target => ({
  entity,
  part,
  ...x,
});
const p = (x: Omit<Target, 'entity' | 'part'>) => t('person', 'person', x);
const m = (x: Omit<Target, 'entity' | 'part' | 'standard'>) => t('person', 'metrics', { ...x, standard: [] });
const o = (x: Omit<Target, 'entity' | 'part'>) => t('organization', 'organization', x);

export const TARGETS: readonly Target[] = [
  p({
    field: 'actimoId',
    label: 'Actimo ID',
    from: ['actimoId'],
    value: 'text',
    standard: [],
    required: true,
  }),
  p({
    field: 'name',
    label: 'Name',
    from: ['fullName', 'firstName', 'lastName'],
    value: 'text',
    standard: ['name'],
    required: true,
  }),
  p({ field: 'email', label: 'Email', from: ['email'], value: 'email', standard: ['emails'] }),
  p({
    field: 'phone',
    label: 'Phone',
    from: ['phone', 'phoneCountryCode'],
    value: 'phone',
    standard: ['phones'],
  }),
  p({ field: 'jobTitle', label: 'Job title', from: ['jobTitle'], value: 'text', standard: ['job_title'] }),
  p({
    field: 'organization',
    label: 'Organization (primary company)',
    from: ['companyIds'],
    value: 'reference',
    standard: ['org_id'],
    noCustom: true,
  }),
  p({ field: 'owner', label: 'Owner', from: [], value: 'reference', standard: ['owner_id'], noCustom: true }),
  p({ field: 'addTime', label: 'Created', from: ['addTime'], value: 'timestamp', standard: ['add_time'] }),
  p({ field: 'department', label: 'Department', from: ['department'], value: 'text', standard: [] }),
  p({ field: 'site', label: 'Site location', from: ['site'], value: 'text', standard: [] }),
  p({ field: 'hireDate', label: 'Hire date', from: ['hireDate'], value: 'date', standard: [] }),
  p({
    field: 'employmentStatus',
    label: 'Employment status',
    from: ['employmentStatus'],
    value: 'choice',
    standard: [],
  }),
  p({ field: 'language', label: 'Language', from: ['language'], value: 'text', standard: [] }),
  p({ field: 'managerId', label: 'Manager (Actimo id)', from: ['managerId'], value: 'text', standard: [] }),
  p({ field: 'companyName', label: 'Company name', from: ['companyName'], value: 'text', standard: [] }),
  p({
    field: 'updateTime',
    label: 'Updated in Actimo',
    from: ['updateTime'],
    value: 'timestamp',
    standard: [],
  }),
  m({ field: 'engagementScore', label: 'Engagement score', from: ['engagementScore'], value: 'number' }),
  m({ field: 'coursesStarted', label: 'Courses started', from: ['coursesStarted'], value: 'number' }),
  m({ field: 'coursesCompleted', label: 'Courses completed', from: ['coursesCompleted'], value: 'number' }),
  m({ field: 'lastTrainingDate', label: 'Last training date', from: ['lastTrainingDate'], value: 'date' }),
  m({ field: 'quizAverage', label: 'Quiz score', from: ['quizAverage'], value: 'number' }),
  m({ field: 'messageOpenRate', label: 'Message open rate', from: ['messageOpenRate'], value: 'number' }),
  m({ field: 'messageClickRate', label: 'Message click rate', from: ['messageClickRate'], value: 'number' }),
  m({
    field: 'messageDeliveryStatus',
    label: 'Message delivery status',
    from: ['messageDeliveryStatus'],
    value: 'text',
  }),
  m({ field: 'messageCount', label: 'Message count', from: ['messageCount'], value: 'number' }),
  m({
    field: 'lastSurveyResponse',
    label: 'Last survey response',
    from: ['lastSurveyResponse'],
    value: 'text',
  }),
  m({ field: 'surveyScore', label: 'Survey score', from: ['surveyScore'], value: 'number' }),
  o({
    field: 'actimoId',
    label: 'Actimo ID',
    from: ['actimoId'],
    value: 'text',
    standard: [],
    required: true,
  }),
  o({ field: 'name', label: 'Name', from: ['name'], value: 'text', standard: ['name'], required: true }),
  o({
    field: 'address',
    label: 'Address',
    from: ['address', 'street', 'postalCode', 'city', 'country'],
    value: 'text',
    standard: ['address'],
  }),
  o({ field: 'domain', label: 'Website', from: ['domain'], value: 'text', standard: ['website'] }),
  o({ field: 'industry', label: 'Industry', from: ['industry'], value: 'choice', standard: ['industry'] }),
  o({
    field: 'employeeCount',
    label: 'Employee count',
    from: ['employeeCount'],
    value: 'number',
    standard: ['employee_count'],
  }),
  o({
    field: 'parentId',
    label: 'Parent company (Actimo id)',
    from: ['parentId'],
    value: 'text',
    standard: [],
  }),
  o({ field: 'addTime', label: 'Created', from: ['addTime'], value: 'timestamp', standard: ['add_time'] }),
];

export function targetOf(entity: PipedriveEntity, field: string): Target | undefined {
  return TARGETS.find((x) => x.entity === entity && x.field === field);
}

export function targetsOf(entity: PipedriveEntity): Target[] {
  return TARGETS.filter((x) => x.entity === entity);
}

/** The Pipedrive field types that can hold a kind of value without losing it. */
export const FITTING_TYPES: Record<ValueKind, readonly string[]> = {
  text: ['varchar', 'varchar_auto', 'text', 'enum'],
  choice: ['enum', 'varchar', 'varchar_auto', 'text'],
  number: ['double', 'varchar', 'varchar_auto', 'text'],
  date: ['date', 'varchar', 'varchar_auto', 'text'],
  timestamp: ['date', 'varchar', 'varchar_auto', 'text'],
  email: ['varchar', 'varchar_auto', 'text'],
  phone: ['phone', 'varchar', 'varchar_auto', 'text'],
  reference: [],
};

/** Every Pipedrive field type that can hold a kind of value: multiple options also hold text and choices. */
export function fittingTypes(value: ValueKind): readonly string[] {
  return value === 'text' || value === 'choice' ? [...FITTING_TYPES[value], 'set'] : FITTING_TYPES[value];
}

export function fitsType(value: ValueKind, type: string): boolean {
  return fittingTypes(value).includes(type);
}

/** The type of a new custom field we create for a kind of value. */
export const NEW_FIELD_TYPE: Record<ValueKind, WritableFieldType> = {
  text: 'varchar',
  choice: 'varchar',
  number: 'double',
  date: 'date',
  timestamp: 'date',
  email: 'varchar',
  phone: 'phone',
  reference: 'varchar',
};
