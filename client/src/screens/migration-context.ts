import { createContext, useContext } from 'react';
import type { MigrationDetail } from '../api/migrations.ts';
import type { UploadQueue } from './upload/useUploadQueue.ts';

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

/**
 * The migration's uploads. They belong to the migration, not to the upload screen, so a look at the
 * staged records (or any other step) while files are being sent does not cancel them.
 */
export const UploadsContext = createContext<UploadQueue | null>(null);

export function useUploads(): UploadQueue {
  const queue = useContext(UploadsContext);
  if (!queue) throw new Error('useUploads outside MigrationLayout');
  return queue;
}
