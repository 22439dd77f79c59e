// The Pipedrive custom fields we create by default: names as the admin sees them in Pipedrive, our logical
// names (stable across companies: the 40-hex field codes differ in every company), their types, and the
// staged value each one holds. docs/custom-fields.md is the readable copy of this table.
import type { PipedriveEntity } from './targets.ts';

/** Pipedrive's custom field types we create or write (API v2 `field_type`). */
export const WRITABLE_FIELD_TYPES = [
  'varchar',
  'varchar_auto',
  'text',
  'double',
  'date',
  'enum',
  'set',
  'phone',
] as const;
export type WritableFieldType = (typeof WRITABLE_FIELD_TYPES)[number];

export interface SchemaField {
  entity: PipedriveEntity;
  /** Our logical name, e.g. `engagement_score__c`. */
  logicalName: string;
  /** The field's name in Pipedrive. */
  name: string;
  type: WritableFieldType;
  /** Option labels of enum fields, in the order Pipedrive shows them. */
  options?: readonly string[];
  /** Numbers are rounded to this many decimals before they are sent. */
  decimals?: number;
  /** The staged value it holds (a person, organization or metrics field). */
  holds: string;
  /** What the value is, in the words of the schema document. */
  description: string;
  /** Created only when the account has no standard field of this key (industry, employee count). */
  standardFirst?: 'industry' | 'employee_count';
}

export const EMPLOYMENT_STATUS_OPTIONS = ['Active', 'On Leave', 'Terminated'] as const;

const person = (f: Omit<SchemaField, 'entity'>): SchemaField => ({ entity: 'person', ...f });
const org = (f: Omit<SchemaField, 'entity'>): SchemaField => ({ entity: 'organization', ...f });

export const DEFAULT_SCHEMA: readonly SchemaField[] = [
  person({
    logicalName: 'actimo_id__c',
    name: 'Actimo ID',
    type: 'varchar',
    holds: 'actimoId',
    description: 'the Actimo user id; the key every re-run, delta and rollback finds the Person by',
  }),
  person({
    logicalName: 'engagement_score__c',
    name: 'Engagement score',
    type: 'double',
    decimals: 2,
    holds: 'engagementScore',
    description: 'the engagement score of the latest period',
  }),
  person({
    logicalName: 'courses_started__c',
    name: 'Courses started',
    type: 'double',
    decimals: 0,
    holds: 'coursesStarted',
    description: 'distinct courses the user has any training record for',
  }),
  person({
    logicalName: 'courses_completed__c',
    name: 'Courses completed',
    type: 'double',
    decimals: 0,
    holds: 'coursesCompleted',
    description: 'distinct courses with a completion date or a completed status',
  }),
  person({
    logicalName: 'last_training_date__c',
    name: 'Last training date',
    type: 'date',
    holds: 'lastTrainingDate',
    description: 'the latest start or completion date of any course',
  }),
  person({
    logicalName: 'quiz_score__c',
    name: 'Quiz score',
    type: 'double',
    decimals: 2,
    holds: 'quizAverage',
    description: 'mean quiz score over all courses, 2 decimals',
  }),
  person({
    logicalName: 'message_open_rate__c',
    name: 'Message open rate',
    type: 'double',
    decimals: 2,
    holds: 'messageOpenRate',
    description: 'open rate of the latest message snapshot, as a percentage 0–100',
  }),
  person({
    logicalName: 'message_click_rate__c',
    name: 'Message click rate',
    type: 'double',
    decimals: 2,
    holds: 'messageClickRate',
    description: 'click rate of the latest message snapshot, as a percentage 0–100',
  }),
  person({
    logicalName: 'message_delivery_status__c',
    name: 'Message delivery status',
    type: 'varchar',
    holds: 'messageDeliveryStatus',
    description: 'delivery status of the latest message snapshot',
  }),
  person({
    logicalName: 'message_count__c',
    name: 'Message count',
    type: 'double',
    decimals: 0,
    holds: 'messageCount',
    description: 'messages the user received (the export’s count, else its message rows)',
  }),
  person({
    logicalName: 'last_survey_response__c',
    name: 'Last survey response',
    type: 'varchar',
    holds: 'lastSurveyResponse',
    description: 'the latest survey response as "YYYY-MM-DD – status"',
  }),
  person({
    logicalName: 'survey_score__c',
    name: 'Survey score',
    type: 'double',
    decimals: 2,
    holds: 'surveyScore',
    description: 'mean survey score, 2 decimals (kept apart from Quiz score so neither overwrites the other)',
  }),
  person({
    logicalName: 'hire_date__c',
    name: 'Hire date',
    type: 'date',
    holds: 'hireDate',
    description: 'the date the employee was hired',
  }),
  person({
    logicalName: 'employment_status__c',
    name: 'Employment status',
    type: 'enum',
    options: EMPLOYMENT_STATUS_OPTIONS,
    holds: 'employmentStatus',
    description: 'Active, On Leave or Terminated (the export’s values are mapped to these)',
  }),
  person({
    logicalName: 'site_location__c',
    name: 'Site location',
    type: 'varchar',
    holds: 'site',
    description: 'the site, office or location the employee works at',
  }),
  person({
    logicalName: 'department__c',
    name: 'Department',
    type: 'varchar',
    holds: 'department',
    description: 'the department or team',
  }),
  org({
    logicalName: 'actimo_id__c',
    name: 'Actimo ID',
    type: 'varchar',
    holds: 'actimoId',
    description: 'the Actimo company id; the key every re-run, delta and rollback finds the Organization by',
  }),
  org({
    logicalName: 'employee_count__c',
    name: 'Employee count',
    type: 'double',
    decimals: 0,
    holds: 'employeeCount',
    standardFirst: 'employee_count',
    description: "the company's number of employees (only where the account has no standard employee count)",
  }),
  org({
    logicalName: 'industry__c',
    name: 'Industry (Actimo)',
    type: 'varchar',
    holds: 'industry',
    standardFirst: 'industry',
    description:
      "the company's industry as Actimo names it (only where the account has no standard Industry field)",
  }),
];

/** Our field for a staged value (Industry and Employee count included: they stand in for standard fields). */
export function schemaFieldFor(entity: PipedriveEntity, holds: string): SchemaField | undefined {
  return DEFAULT_SCHEMA.find((f) => f.entity === entity && f.holds === holds);
}
