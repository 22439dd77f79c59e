// Every request and every job runs for one company. Where that company comes from is the only thing
// that differs between local mode (one fixed local company) and Marketplace mode (verified iframe JWT).

export interface TenantContext {
  companyId: number;
  userId: number;
  mode: 'local' | 'marketplace';
}

/** Local mode serves one company; it is written to the database at boot. */
export const LOCAL_COMPANY = { id: 1, name: 'Local company', userId: 1 } as const;

export function localTenant(): TenantContext {
  return { companyId: LOCAL_COMPANY.id, userId: LOCAL_COMPANY.userId, mode: 'local' };
}
