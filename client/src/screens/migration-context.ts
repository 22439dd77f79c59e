import { createContext, useContext } from 'react';
import type { MigrationDetail } from '../api/migrations.ts';

export interface MigrationState {
  migration: MigrationDetail;
  /** Loads the migration (and its staging summary) again, keeping the screen as it is meanwhile. */
  refresh: () => Promise<void>;
}

export const MigrationContext = createContext<MigrationState | null>(null);

/** The open migration, inside MigrationLayout (which loads it before any step renders). */
export function useMigration(): MigrationState {
  const state = useContext(MigrationContext);
  if (!state) throw new Error('useMigration outside MigrationLayout');
  return state;
}
