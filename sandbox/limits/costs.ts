// What each operation costs from the company's daily token budget, which OAuth scopes allow it, and
// whether it counts against the search limit. Costs are Pipedrive's `x-token-cost` annotations from the
// official OpenAPI files (research §1.2); v1 operations without one use the generic v1 figures (get single
// 2, list 20, update/create 10, delete 6, search 40). The sandbox keeps its own table on purpose: it must
// not share our client's assumptions, so a wrong estimate in the client shows up as a mismatch here.

export interface Operation {
  cost: number;
  /** OAuth scopes, any one of which allows the call (API tokens have every right). */
  scopes: readonly string[];
  /** Subject to the search limit (10 requests per 2 s). */
  search?: boolean;
}

const CONTACTS_READ = ['contacts:read', 'contacts:full'];
const CONTACTS_FULL = ['contacts:full'];
const FIELDS_READ = ['contacts:read', 'contacts:full', 'contact-fields:full', 'admin'];
const FIELDS_FULL = ['contact-fields:full', 'admin'];
const ACTIVITIES_READ = ['activities:read', 'activities:full'];
const ACTIVITIES_FULL = ['activities:full'];
const SEARCH = ['search:read', 'contacts:read', 'contacts:full'];
const NOTES_READ = ['contacts:read', 'contacts:full', 'deals:read', 'deals:full'];
const NOTES_FULL = ['contacts:full', 'deals:full'];
const FILES_READ = [...NOTES_READ, 'activities:read', 'activities:full'];
const FILES_FULL = [...NOTES_FULL, 'activities:full'];

function fieldOps(entity: 'Person' | 'Organization'): Record<string, Operation> {
  return {
    [`get${entity}Fields`]: { cost: 10, scopes: FIELDS_READ },
    [`get${entity}Field`]: { cost: 1, scopes: FIELDS_READ },
    [`add${entity}Field`]: { cost: 5, scopes: FIELDS_FULL },
    [`update${entity}Field`]: { cost: 5, scopes: FIELDS_FULL },
    [`delete${entity}Field`]: { cost: 3, scopes: FIELDS_FULL },
    [`add${entity}FieldOptions`]: { cost: 5, scopes: FIELDS_FULL },
    [`update${entity}FieldOptions`]: { cost: 5, scopes: FIELDS_FULL },
    [`delete${entity}FieldOptions`]: { cost: 3, scopes: FIELDS_FULL },
    // API v1 fields
    [`v1Get${entity}Fields`]: { cost: 20, scopes: FIELDS_READ },
    [`v1Get${entity}Field`]: { cost: 2, scopes: FIELDS_READ },
    [`v1Add${entity}Field`]: { cost: 10, scopes: FIELDS_FULL },
    [`v1Update${entity}Field`]: { cost: 10, scopes: FIELDS_FULL },
    [`v1Delete${entity}Field`]: { cost: 6, scopes: FIELDS_FULL },
    [`v1Delete${entity}Fields`]: { cost: 10, scopes: FIELDS_FULL },
  };
}

export const OPERATIONS: Record<string, Operation> = {
  // API v2
  getPersons: { cost: 10, scopes: CONTACTS_READ },
  getPerson: { cost: 1, scopes: CONTACTS_READ },
  addPerson: { cost: 5, scopes: CONTACTS_FULL },
  updatePerson: { cost: 5, scopes: CONTACTS_FULL },
  deletePerson: { cost: 3, scopes: CONTACTS_FULL },
  searchPersons: { cost: 20, scopes: SEARCH, search: true },
  getOrganizations: { cost: 10, scopes: CONTACTS_READ },
  getOrganization: { cost: 1, scopes: CONTACTS_READ },
  addOrganization: { cost: 5, scopes: CONTACTS_FULL },
  updateOrganization: { cost: 5, scopes: CONTACTS_FULL },
  deleteOrganization: { cost: 3, scopes: CONTACTS_FULL },
  searchOrganization: { cost: 20, scopes: SEARCH, search: true },
  getActivities: { cost: 10, scopes: ACTIVITIES_READ },
  getActivity: { cost: 1, scopes: ACTIVITIES_READ },
  addActivity: { cost: 5, scopes: ACTIVITIES_FULL },
  updateActivity: { cost: 5, scopes: ACTIVITIES_FULL },
  deleteActivity: { cost: 3, scopes: ACTIVITIES_FULL },
  ...fieldOps('Person'),
  ...fieldOps('Organization'),
  // API v1
  getNotes: { cost: 20, scopes: NOTES_READ },
  getNote: { cost: 2, scopes: NOTES_READ },
  addNote: { cost: 10, scopes: NOTES_FULL },
  updateNote: { cost: 10, scopes: NOTES_FULL },
  deleteNote: { cost: 6, scopes: NOTES_FULL },
  getFiles: { cost: 20, scopes: FILES_READ },
  getFile: { cost: 2, scopes: FILES_READ },
  downloadFile: { cost: 20, scopes: FILES_READ },
  addFile: { cost: 10, scopes: FILES_FULL },
  updateFile: { cost: 10, scopes: FILES_FULL },
  deleteFile: { cost: 6, scopes: FILES_FULL },
  getUsers: { cost: 20, scopes: ['users:read', 'admin'] },
  getUser: { cost: 2, scopes: ['users:read', 'admin'] },
  findUsersByName: { cost: 40, scopes: ['users:read', 'admin'] },
  getCurrentUser: { cost: 2, scopes: ['base'] },
  getWebhooks: { cost: 10, scopes: ['admin'] },
  addWebhook: { cost: 10, scopes: ['admin'] },
  deleteWebhook: { cost: 6, scopes: ['admin'] },
  getUserCallLogs: { cost: 20, scopes: ['phone-integration'] },
  getCallLog: { cost: 2, scopes: ['phone-integration'] },
  addCallLog: { cost: 10, scopes: ['phone-integration'] },
  deleteCallLog: { cost: 6, scopes: ['phone-integration'] },
  getActivityTypes: { cost: 20, scopes: ['activities:read', 'activities:full', 'admin'] },
};

export function operation(opId: string): Operation {
  const op = OPERATIONS[opId];
  if (!op) throw new Error(`no cost table entry for ${opId}`);
  return op;
}
