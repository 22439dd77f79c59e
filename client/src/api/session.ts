import { createContext, useContext } from 'react';
import { z } from 'zod';
import type { ApiClient } from './client.ts';

/** GET /api/session: who the panel talks as, and where writes go. */
export const sessionSchema = z.object({
  companyId: z.number().int(),
  userId: z.number().int(),
  mode: z.enum(['local', 'marketplace']),
  pipedriveTarget: z.enum(['sandbox', 'pipedrive']),
});

export type Session = z.infer<typeof sessionSchema>;

export function fetchSession(api: ApiClient, signal?: AbortSignal): Promise<Session> {
  return api.get('/api/session', sessionSchema, signal ? { signal } : {});
}

export const SessionContext = createContext<Session | null>(null);

/** The session, inside the app shell (which loads it before any screen renders). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the app shell');
  return session;
}
