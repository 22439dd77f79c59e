// Step 2: the field map. Every column of every staged file with where it lands, its transform, how sure
// the proposal is and why; what blocks confirmation and what is left out; edits to a column's field and
// to where each value lands; a record's exact payload; profiles; confirmation and the custom fields.
import { useState } from 'react';
import { editDestination, editSettings, editSource, type MapColumn, type MapView } from '../../api/map.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { useMigration } from '../migration-context.ts';
import { StepSection } from '../StepSection.tsx';
import { ColumnEditor } from './ColumnEditor.tsx';
import { ConfirmPanel } from './ConfirmPanel.tsx';
import { Destinations } from './Destinations.tsx';
import { FileColumns } from './FileColumns.tsx';
import { destinationsOf, ENTITY_LABELS } from './map-words.ts';
import { PreviewPanel } from './PreviewPanel.tsx';
import { ProfilesPanel } from './ProfilesPanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { type MapEditor, useMapEditor } from './useMapEditor.ts';

export function MapScreen() {
  const { migration } = useMigration();
  const editor = useMapEditor(migration.id);
  const { query, view } = editor;
  return (
    <StepSection step="map">
      {query.status === 'loading' && !view && <LoadingState label="Loading the field map…" />}
      {query.status === 'error' && !view && (
        <ErrorState title="The field map could not be loaded" error={query.error} onRetry={query.reload} />
      )}
      {view && view.files.length === 0 && (
        <EmptyState
          title="Nothing to map yet"
          action={
            <LinkButton variant="primary" to={paths.step(String(migration.id), 'upload')}>
              Upload exports
            </LinkButton>
          }
        >
          Upload the Actimo users or companies export first: the map starts from their columns.
        </EmptyState>
      )}
      {view && view.files.length > 0 && <MapContent view={view} editor={editor} migrationId={migration.id} />}
    </StepSection>
  );
}

function MapContent({
  view,
  editor,
  migrationId,
}: {
  view: MapView;
  editor: MapEditor;
  migrationId: number;
}) {
  const [open, setOpen] = useState<{ fileId: number; column: number } | null>(null);
  const file = open ? view.files.find((f) => f.fileId === open.fileId) : undefined;
  const column = file?.columns.find((c) => c.column === open?.column);
  const columns = view.files.reduce((n, f) => n + f.columns.length, 0);
  const { gaps } = view;
  const openColumn = (fileId: number) => (c: MapColumn) => setOpen({ fileId, column: c.column });
  return (
    <>
      <p className="map-status" role="status">
        Version {view.version} · {view.status === 'confirmed' ? 'confirmed' : 'draft'} · {columns}{' '}
        {columns === 1 ? 'column' : 'columns'} in {view.files.length}{' '}
        {view.files.length === 1 ? 'file' : 'files'}
        {view.provisionedAt ? ' · custom fields created' : ''}
      </p>
      {editor.problem && (
        <Banner
          tone={editor.problem.stale ? 'warning' : 'danger'}
          title={editor.problem.stale ? 'The map changed meanwhile' : 'That change was not made'}
          action={
            <Button size="small" variant="ghost" onClick={editor.dismissProblem}>
              Dismiss
            </Button>
          }
        >
          {editor.problem.message}
        </Banner>
      )}
      {view.blockers.length > 0 && (
        <section className="map-blockers" aria-labelledby="map-blockers-title">
          <h2 id="map-blockers-title" className="section__title">
            {view.blockers.length} {view.blockers.length === 1 ? 'thing blocks' : 'things block'} confirmation
          </h2>
          <ul className="map-blockers__list">
            {view.blockers.map((b) => {
              const target =
                b.fileId !== undefined ? view.files.find((f) => f.fileId === b.fileId) : undefined;
              const col = target?.columns.find((c) => c.column === b.column);
              return (
                <li key={`${b.code}:${b.message}`}>
                  {b.message}{' '}
                  {target && col && (
                    <Button
                      size="small"
                      variant="ghost"
                      onClick={() => setOpen({ fileId: target.fileId, column: col.column })}
                    >
                      {`Open “${col.header}”`}
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section className="map-files" aria-labelledby="map-columns-title">
        <h2 id="map-columns-title" className="section__title">
          Columns per file
        </h2>
        {view.files.map((f) => (
          <div key={f.fileId} className="map-file__block">
            <FileColumns
              file={f}
              selected={open?.fileId === f.fileId ? open.column : null}
              onOpen={openColumn(f.fileId)}
            />
            {file?.fileId === f.fileId && column && (
              <ColumnEditor
                file={f}
                column={column}
                destinations={destinationsOf(view, column)}
                busy={editor.busy}
                onClose={() => setOpen(null)}
                onSource={(change, done) =>
                  editor.change((api, version) => editSource(api, migrationId, version, [change]), done)
                }
                onDestination={(d, destination) =>
                  editor.change(
                    (api, version) =>
                      editDestination(api, migrationId, version, {
                        entity: d.entity,
                        field: d.field,
                        destination,
                      }),
                    `${ENTITY_LABELS[d.entity]} · ${d.label}: destination saved.`,
                  )
                }
              />
            )}
          </div>
        ))}
      </section>
      {(gaps.columnsWithoutDestination.length > 0 || gaps.destinationsWithoutData.length > 0) && (
        <details className="card map-gaps">
          <summary>
            Left out: {gaps.columnsWithoutDestination.length} columns not migrated,{' '}
            {gaps.destinationsWithoutData.length} destinations without data
          </summary>
          <ul className="plain-list">
            {gaps.columnsWithoutDestination.map((g) => (
              <li key={`c:${g.fileId}:${g.header}`}>
                {g.fileName} · “{g.header}”: {g.why}
              </li>
            ))}
            {gaps.destinationsWithoutData.map((g) => (
              <li key={`d:${g.entity}:${g.field}`}>
                {ENTITY_LABELS[g.entity] ?? g.entity} · {g.label} ({g.destination}): no column holds it
              </li>
            ))}
          </ul>
        </details>
      )}
      <Destinations
        view={view}
        busy={editor.busy}
        onSave={(d, destination) =>
          editor.change(
            (api, version) =>
              editDestination(api, migrationId, version, { entity: d.entity, field: d.field, destination }),
            `${ENTITY_LABELS[d.entity]} · ${d.label}: destination saved.`,
          )
        }
      />
      <SettingsPanel
        key={JSON.stringify(view.settings)}
        settings={view.settings}
        busy={editor.busy}
        onSave={(settings) =>
          editor.change(
            (api, version) => editSettings(api, migrationId, version, settings),
            'Record settings saved.',
          )
        }
      />
      <PreviewPanel migrationId={migrationId} version={view.version} />
      <ProfilesPanel migrationId={migrationId} editor={editor} />
      <ConfirmPanel migrationId={migrationId} view={view} editor={editor} />
    </>
  );
}
