import { useMemo } from 'react';
import { Outlet, useLocation, useParams } from 'react-router';
import { ApiError, isApiError } from '../api/errors.ts';
import { fetchMigration } from '../api/migrations.ts';
import { useApiQuery } from '../api/useApiQuery.ts';
import { LinkButton } from '../components/Button.tsx';
import { StepIndicator } from '../components/StepIndicator.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { paths, STEPS, stepOfPath } from '../paths.ts';
import { MigrationContext, type MigrationState, UploadsContext } from './migration-context.ts';
import { useUploadQueue } from './upload/useUploadQueue.ts';

const ID = /^[1-9]\d{0,15}$/;

/** One migration: its name and the step indicator over whichever step the URL names. */
export function MigrationLayout() {
  const { migrationId = '' } = useParams();
  const { pathname } = useLocation();
  const steps = STEPS.map((s) => ({ id: s.id, label: s.label, to: paths.step(migrationId, s.id) }));
  const query = useApiQuery(`migration:${migrationId}`, (api, signal) =>
    ID.test(migrationId)
      ? fetchMigration(api, Number(migrationId), signal)
      : Promise.reject(new ApiError(404, 'migration_not_found', `Migration ${migrationId} does not exist.`)),
  );
  const { data, refresh } = query;
  const state = useMemo<MigrationState | null>(
    () => (data ? { migration: data, refresh } : null),
    [data, refresh],
  );
  // An upload changes the migration's summary; the next successful load shows it if this one fails.
  const uploads = useUploadQueue(data?.id ?? 0, () => {
    refresh().catch(() => {});
  });
  return (
    <div className="screen">
      <p className="screen__eyebrow">{state ? state.migration.name : `Migration ${migrationId}`}</p>
      <StepIndicator steps={steps} current={stepOfPath(pathname)} />
      {query.status === 'loading' && <LoadingState label="Loading the migration…" />}
      {query.status === 'error' &&
        (isApiError(query.error) && query.error.status === 404 ? (
          <EmptyState
            title="This migration does not exist"
            action={<LinkButton to={paths.migrations}>Go to migrations</LinkButton>}
          >
            It may have been deleted, or the link belongs to another Pipedrive company.
          </EmptyState>
        ) : (
          <ErrorState title="The migration could not be loaded" error={query.error} onRetry={query.reload} />
        ))}
      {state && (
        <MigrationContext.Provider value={state}>
          <UploadsContext.Provider value={uploads}>
            <Outlet />
          </UploadsContext.Provider>
        </MigrationContext.Provider>
      )}
    </div>
  );
}
