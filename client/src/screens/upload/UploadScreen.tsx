// Step 1: upload the Actimo exports, see what each file was recognised as, correct a kind, and see
// what was staged, before going on to the field map.
import { useCallback, useEffect, useRef } from 'react';
import { listFiles } from '../../api/migrations.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Button, LinkButton } from '../../components/Button.tsx';
import { FileDropzone } from '../../components/FileDropzone.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { useMigration, useUploads } from '../migration-context.ts';
import { StepSection } from '../StepSection.tsx';
import { FileCard } from './FileCard.tsx';
import { StagedSummary } from './StagedSummary.tsx';
import { UploadBatches } from './UploadBatches.tsx';

const HINT =
  'CSV or TXT exports (any delimiter, UTF-8, UTF-16 or Windows-1252), Excel workbooks, the workflows and ' +
  'integrations documents, the files named in the files export, or one zip of them all.';

export function UploadScreen() {
  const { migration, refresh } = useMigration();
  const id = migration.id;
  const files = useApiQuery(`files:${id}`, (api, signal) => listFiles(api, id, signal));
  const refreshFiles = files.refresh;
  // After a kind change, both the files and the migration's summary have changed.
  const refreshAll = useCallback(async () => {
    await Promise.all([refreshFiles(), refresh()]);
  }, [refreshFiles, refresh]);
  const queue = useUploads();
  // After an upload the migration reloads its summary itself; the files are this screen's to reload.
  const seen = useRef(queue.settled);
  useEffect(() => {
    if (queue.settled === seen.current) return;
    seen.current = queue.settled;
    refreshFiles().catch(() => {
      // The upload's own result is on screen; the next successful load shows the files.
    });
  }, [queue.settled, refreshFiles]);
  const counts = migration.summary.counts;
  const mappable = (counts.person ?? 0) + (counts.organization ?? 0) > 0;

  return (
    <StepSection step="upload">
      <FileDropzone label="Actimo exports" hint={HINT} onFiles={queue.add} />
      <UploadBatches batches={queue.batches} onCancel={queue.cancel} onDismiss={queue.dismiss} />
      <section className="file-section" aria-labelledby="files-heading">
        <h2 id="files-heading" className="section__title">
          Files in this migration
        </h2>
        {files.status === 'loading' && <LoadingState label="Loading the files…" />}
        {files.status === 'error' && (
          <ErrorState title="The files could not be loaded" error={files.error} onRetry={files.reload} />
        )}
        {files.status === 'success' && files.data.length === 0 && (
          <EmptyState title="No files yet">
            Drop the exports above. Nothing is sent to Pipedrive at this step.
          </EmptyState>
        )}
        {files.status === 'success' && files.data.length > 0 && (
          <div className="file-cards">
            {files.data.map((f) => (
              <FileCard key={f.id} file={f} migrationId={id} onChanged={refreshAll} />
            ))}
          </div>
        )}
      </section>
      <StagedSummary summary={migration.summary} migrationId={String(id)} />
      <div className="step__next">
        {mappable ? (
          <LinkButton variant="primary" to={paths.step(String(id), 'map')}>
            Continue to the field map
          </LinkButton>
        ) : (
          <>
            <Button variant="primary" disabled aria-describedby="next-hint">
              Continue to the field map
            </Button>
            <p id="next-hint" className="field__hint">
              Stage a users or a companies export first: the map starts from them.
            </p>
          </>
        )}
      </div>
    </StepSection>
  );
}
