// The logical field vocabulary of the staging layer: the one list of names every later stage (field
// map, Pipedrive writes, reports) uses. Actimo headers never get past `server/actimo/`; Pipedrive keys
// never get into here. docs/staging.md explains each field.

/** What one export file holds. `attachment` is a file referenced by the files manifest. */
export const EXPORT_KINDS = [
  'users',
  'companies',
  'memberships',
  'engagement',
  'training',
  'messages',
  'surveys',
  'activities',
  'files',
  'workflows',
  'integrations',
  'attachment',
  'unknown',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Kinds whose rows are parsed and consolidated (the others are kept as documents). */
export const TABULAR_KINDS = [
  'users',
  'companies',
  'memberships',
  'engagement',
  'training',
  'messages',
  'surveys',
  'activities',
  'files',
] as const satisfies readonly ExportKind[];
export type TabularKind = (typeof TABULAR_KINDS)[number];

export function isTabularKind(k: string): k is TabularKind {
  return (TABULAR_KINDS as readonly string[]).includes(k);
}

/** Person fields, from the users export. */
export const PERSON_FIELDS = [
  'actimoId',
  'firstName',
  'lastName',
  'fullName',
  'email',
  'phone',
  'phoneCountryCode',
  'jobTitle',
  'department',
  'site',
  'companyIds',
  'companyName',
  'hireDate',
  'employmentStatus',
  'addTime',
  'updateTime',
  'language',
  'managerId',
] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** Organization fields, from the companies export. */
export const ORGANIZATION_FIELDS = [
  'actimoId',
  'name',
  'domain',
  'address',
  'street',
  'postalCode',
  'city',
  'country',
  'industry',
  'employeeCount',
  'parentId',
  'addTime',
] as const;
export type OrganizationField = (typeof ORGANIZATION_FIELDS)[number];

export const MEMBERSHIP_FIELDS = ['personId', 'companyId', 'primary'] as const;
export type MembershipField = (typeof MEMBERSHIP_FIELDS)[number];

export const ENGAGEMENT_FIELDS = ['personId', 'engagementScore', 'period'] as const;
export const TRAINING_FIELDS = [
  'personId',
  'courseId',
  'courseName',
  'startedAt',
  'completedAt',
  'status',
  'quizScore',
] as const;
export const MESSAGE_FIELDS = [
  'personId',
  'messageId',
  'sentAt',
  'publishedTo',
  'notifiedTo',
  'openedBy',
  'clicked',
  'deliveryStatus',
  'openRate',
  'clickRate',
  'messageCount',
] as const;
export const SURVEY_FIELDS = ['personId', 'surveyName', 'surveyDate', 'responseStatus', 'score'] as const;
export const ACTIVITY_FIELDS = [
  'activityId',
  'personId',
  'type',
  'subject',
  'date',
  'time',
  'duration',
  'ownerEmail',
  'note',
] as const;
export const FILE_FIELDS = ['personId', 'fileName', 'uploadDate', 'path'] as const;

/** The logical fields one row of each tabular export kind can feed. */
export const KIND_FIELDS = {
  users: PERSON_FIELDS,
  companies: ORGANIZATION_FIELDS,
  memberships: MEMBERSHIP_FIELDS,
  engagement: ENGAGEMENT_FIELDS,
  training: TRAINING_FIELDS,
  messages: MESSAGE_FIELDS,
  surveys: SURVEY_FIELDS,
  activities: ACTIVITY_FIELDS,
  files: FILE_FIELDS,
} as const satisfies Record<TabularKind, readonly string[]>;

export type KindField<K extends TabularKind> = (typeof KIND_FIELDS)[K][number];
/** Any logical field of any kind (for column roles, which are typed per kind at run time). */
export type LogicalField = (typeof KIND_FIELDS)[TabularKind][number];

/** Per-person aggregates computed from the metric exports. */
export const METRIC_FIELDS = [
  'engagementScore',
  'coursesStarted',
  'coursesCompleted',
  'lastTrainingDate',
  'quizAverage',
  'messageOpenRate',
  'messageClickRate',
  'messageDeliveryStatus',
  'messageCount',
  'lastSurveyResponse',
  'surveyScore',
] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];

/** Why a staged record needs the admin's attention. Stable codes: the panel and reports key on them. */
export const ISSUE_CODES = [
  'missing_id',
  'missing_name',
  'invalid_email',
  'invalid_phone',
  'company_not_found',
  'user_not_found',
  'duplicate_user_conflict',
  'duplicate_company_conflict',
  'ambiguous_date',
  'unparseable_date',
  'unparseable_number',
  'unknown_activity_type',
  'multiple_primary_companies',
  'secondary_companies',
  'company_without_users',
  'file_missing',
  'ragged_row',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export type IssueSeverity = 'error' | 'warning' | 'info';

/** Where a value came from: source file id, 1-based data row number, 0-based column index. */
export type Provenance = readonly [fileId: number, row: number, column: number];

export interface StagingIssue {
  code: IssueCode;
  severity: IssueSeverity;
  message: string;
  /** The logical field concerned, if any. */
  field?: string;
  /** Where the offending value is. */
  source?: Provenance;
}

/** The staged entity tables, by the name the API and the map use. */
export const ENTITIES = ['person', 'organization', 'membership', 'metrics', 'activity', 'file'] as const;
export type Entity = (typeof ENTITIES)[number];

/** Values of one staged record and where each came from. */
export interface StagedRecord<F extends string = string> {
  entity: Entity;
  actimoId: string;
  values: Partial<Record<F, StagedScalar>>;
  provenance: Partial<Record<F, Provenance>>;
  issues: StagingIssue[];
}

export type StagedScalar = string | number | boolean | string[] | null;
