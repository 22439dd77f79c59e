// What the sandbox stores per company. Records keep Pipedrive's own field names (snake_case): the
// sandbox's domain language is Pipedrive's wire format, and a translation layer here could itself drift
// (docs/decisions/0007-sandbox-speaks-pipedrive.md). Times are epoch milliseconds on the sandbox clock and
// are formatted per API version on the way out.

export const PLANS = ['lite', 'growth', 'premium', 'ultimate'] as const;
export type Plan = (typeof PLANS)[number];

export type EntityKind = 'person' | 'organization' | 'activity' | 'note' | 'file';
export type FieldEntity = 'person' | 'organization';

export interface UserRecord {
  id: number;
  name: string;
  email: string;
  active_flag: boolean;
  is_admin: boolean;
  created: number;
  modified: number;
  last_login: number;
  timezone_name: string;
  timezone_offset: string;
  locale: string;
  lang: number;
  default_currency: string;
  phone: string | null;
  role_id: number;
  icon_url: string | null;
}

export interface ContactValue {
  value: string;
  primary: boolean;
  label: string;
}

export interface Address {
  value: string;
  country?: string;
  admin_area_level_1?: string;
  admin_area_level_2?: string;
  locality?: string;
  sublocality?: string;
  route?: string;
  street_number?: string;
  subpremise?: string;
  postal_code?: string;
}

export interface SoftDeletable {
  id: number;
  add_time: number;
  update_time: number;
  /** Soft delete: hidden from lists and search, still readable by id, purged 30 days later. */
  deleted_at: number | null;
}

export type CustomValues = Record<string, unknown>;

export interface PersonRecord extends SoftDeletable {
  name: string;
  first_name: string | null;
  last_name: string | null;
  owner_id: number;
  org_id: number | null;
  emails: ContactValue[];
  phones: ContactValue[];
  visible_to: number;
  label_ids: number[];
  picture_id: number | null;
  postal_address?: Address;
  notes?: string;
  im?: ContactValue[];
  birthday?: string;
  job_title?: string;
  marketing_status?: string;
  custom_fields: CustomValues;
}

export interface OrganizationRecord extends SoftDeletable {
  name: string;
  owner_id: number;
  visible_to: number;
  label_ids: number[];
  address: Address | null;
  website: string | null;
  linkedin: string | null;
  industry: number | null;
  annual_revenue: number | null;
  employee_count: number | null;
  custom_fields: CustomValues;
}

export interface Participant {
  person_id: number;
  primary: boolean;
}

export interface Attendee {
  email?: string;
  name?: string;
  status?: string;
  is_organizer?: boolean;
  person_id?: number;
  user_id?: number;
}

export interface ActivityRecord extends SoftDeletable {
  subject: string;
  type: string;
  owner_id: number;
  creator_user_id: number;
  org_id: number | null;
  due_date: string | null;
  due_time: string | null;
  duration: string | null;
  busy: boolean;
  done: boolean;
  marked_as_done_time: number | null;
  location: Address | null;
  participants: Participant[];
  attendees: Attendee[];
  public_description: string | null;
  priority: number | null;
  note: string | null;
}

export const NOTE_PARENTS = ['person_id', 'org_id', 'deal_id', 'lead_id', 'project_id', 'task_id'] as const;
export const NOTE_PINS = [
  'pinned_to_lead_flag',
  'pinned_to_deal_flag',
  'pinned_to_organization_flag',
  'pinned_to_person_flag',
  'pinned_to_project_flag',
  'pinned_to_task_flag',
] as const;

export interface NoteRecord extends SoftDeletable {
  content: string;
  person_id: number | null;
  org_id: number | null;
  user_id: number;
  last_update_user_id: number | null;
  pins: Partial<Record<(typeof NOTE_PINS)[number], boolean>>;
}

export interface FileRecord extends SoftDeletable {
  user_id: number;
  person_id: number | null;
  org_id: number | null;
  activity_id: number | null;
  file_name: string;
  file_type: string;
  name: string;
  description: string | null;
  content: Buffer;
}

export const CALL_OUTCOMES = [
  'connected',
  'no_answer',
  'left_message',
  'left_voicemail',
  'wrong_number',
  'busy',
] as const;

export interface CallLogRecord {
  id: string;
  user_id: number;
  activity_id: number | null;
  person_id: number | null;
  org_id: number | null;
  subject: string | null;
  duration: string | null;
  outcome: (typeof CALL_OUTCOMES)[number];
  from_phone_number: string | null;
  to_phone_number: string;
  start_time: string;
  end_time: string;
  note: string | null;
  add_time: number;
}

export const WEBHOOK_ACTIONS = ['create', 'change', 'delete', '*'] as const;
export const WEBHOOK_OBJECTS = [
  'activity',
  'deal',
  'lead',
  'note',
  'organization',
  'person',
  'pipeline',
  'product',
  'stage',
  'user',
  '*',
] as const;

export interface WebhookRecord {
  id: number;
  owner_id: number;
  user_id: number;
  event_action: (typeof WEBHOOK_ACTIONS)[number];
  event_object: (typeof WEBHOOK_OBJECTS)[number];
  subscription_url: string;
  version: '1.0' | '2.0';
  is_active: boolean;
  add_time: number;
  remove_time: number | null;
  remove_reason: string | null;
  type: 'general' | 'application';
  /** The OAuth app that created it (application webhooks are removed when that app is uninstalled). */
  client_id: string | null;
  http_auth_user: string | null;
  http_auth_password: string | null;
  name: string;
  last_delivery_time: number | null;
  last_http_status: number | null;
  last_success_time: number | null;
  /** Pipedrive's ban system: first-attempt failures, and the end of the current 30-minute ban. */
  first_attempt_failures: number;
  banned_until: number | null;
}

export interface FieldOption {
  id: number;
  label: string;
  color?: string | null;
  add_time: number;
  update_time: number;
}

export interface FieldRecord {
  /** API v2 `field_code`; the 40-hex hash for custom fields (v1 calls it `key`). */
  code: string;
  /** API v1 `key` of standard fields where it differs from the v2 code (`email` vs `emails`). */
  v1_key: string;
  /** API v1 numeric id. */
  id: number;
  name: string;
  field_type: string;
  is_custom: boolean;
  options: FieldOption[] | null;
  order_nr: number;
  add_time: number;
  update_time: number;
  created_by_user_id: number | null;
  ui_visibility: Record<string, unknown>;
  important_fields: Record<string, unknown>;
  required_fields: Record<string, unknown>;
}
