// A record's exact Pipedrive payload under the map as it is now: pick a Person or an Organization by its
// Actimo id (or leave it empty for the first one), see the request body and, for every value, where it
// came from (file, row, column, raw cell) and what was done to it.
import { type FormEvent, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { isApiError } from '../../api/errors.ts';
import { ENTITIES, fetchPreview, type MapEntity, type Preview } from '../../api/map.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorState } from '../../components/states.tsx';
import { ENTITY_LABELS } from './map-words.ts';

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function PreviewPanel({ migrationId, version }: { migrationId: number; version: number }) {
  const api = useApi();
  const [entity, setEntity] = useState<MapEntity>('person');
  const [actimoId, setActimoId] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ preview: Preview } | { error: unknown } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      setResult({ preview: await fetchPreview(api, migrationId, entity, actimoId) });
    } catch (error) {
      setResult({ error });
    } finally {
      setBusy(false);
    }
  };

  const preview = result && 'preview' in result ? result.preview : null;
  return (
    <section className="card map-preview" aria-labelledby="map-preview-title">
      <h2 id="map-preview-title" className="card__title">
        Preview a record
      </h2>
      <form className="map-inline-form" onSubmit={submit}>
        <SelectField
          label="Record"
          value={entity}
          onChange={(e) => setEntity(e.target.value as MapEntity)}
          options={ENTITIES.map((x) => ({ value: x, label: ENTITY_LABELS[x] ?? x }))}
        />
        <TextField
          label="Actimo id"
          hint="Leave empty for the first record."
          value={actimoId}
          onChange={(e) => setActimoId(e.target.value)}
          autoComplete="off"
        />
        <Button type="submit" busy={busy}>
          Show payload
        </Button>
      </form>
      {result && 'error' in result && (
        <ErrorState
          title={
            isApiError(result.error) && result.error.status === 404
              ? 'No such record'
              : 'The preview could not be made'
          }
          error={result.error}
        />
      )}
      {preview && (
        <section className="map-preview__result" aria-label="Payload preview">
          <p>
            {ENTITY_LABELS[preview.entity]} <strong>{preview.actimoId}</strong> under map version{' '}
            {preview.mapVersion}
            {preview.mapVersion !== version ? ' (the map has changed since: preview again)' : ''}.{' '}
            {preview.exact
              ? 'Field codes are your account’s own: this is exactly what will be sent.'
              : 'Custom fields not created yet show as new:… codes until the fields are provisioned.'}
          </p>
          {preview.payload.skip && (
            <p className="map-problem map-problem--skip" role="alert">
              This record would be skipped: {preview.payload.skip.message}
            </p>
          )}
          {preview.pendingReferences.length > 0 && (
            <p className="map-cell__sub">Filled in at run time: {preview.pendingReferences.join(', ')}.</p>
          )}
          <h3 className="map-file__title">Request body</h3>
          <pre className="map-json">{JSON.stringify(preview.payload.body, null, 2)}</pre>
          <h3 className="map-file__title">Where each value comes from</h3>
          <ul className="map-trace" aria-label="Trace">
            {preview.payload.trace.map((t) => (
              <li key={t.pipedriveKey} className="map-trace__item">
                <div>
                  <code>{t.pipedriveKey}</code> = <strong>{show(t.value)}</strong>
                </div>
                <div className="map-cell__sub">{t.transform}</div>
                <ul className="plain-list map-cell__sub">
                  {t.sources.map((s) => (
                    <li key={`${s.fileName}:${s.row}:${s.header}`}>
                      {s.fileName} row {s.row}, “{s.header}”: {s.raw === null ? 'empty' : `“${s.raw}”`}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {preview.payload.problems.length > 0 && (
            <>
              <h3 className="map-file__title">Problems</h3>
              <ul className="plain-list">
                {preview.payload.problems.map((p) => (
                  <li key={`${p.code}:${p.target}`}>
                    <Badge tone={p.severity === 'info' ? 'info' : 'warning'}>{p.severity}</Badge> {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {preview.payload.note && (
            <>
              <h3 className="map-file__title">Note added to the record</h3>
              <pre className="map-json">{preview.payload.note}</pre>
            </>
          )}
        </section>
      )}
    </section>
  );
}
