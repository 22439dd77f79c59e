// Saved mapping profiles (save this map under a name, apply a saved one as the next version) and the
// map's versions, newest first, with what changed.
import { type FormEvent, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { applyProfile, fetchMapVersions, listProfiles, saveProfile } from '../../api/map.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { formatDateTime } from '../../components/format.ts';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import type { MapEditor } from './useMapEditor.ts';

export function ProfilesPanel({ migrationId, editor }: { migrationId: number; editor: MapEditor }) {
  const api = useApi();
  const host = usePanelHost();
  const version = editor.view?.version ?? 0;
  const profiles = useApiQuery('mapping-profiles', (a, signal) => listProfiles(a, signal));
  const versions = useApiQuery(`map-versions:${migrationId}:${version}`, (a, signal) =>
    fetchMapVersions(a, migrationId, signal),
  );
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [chosen, setChosen] = useState('');

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setSaveError(null);
    try {
      const p = await saveProfile(api, migrationId, name);
      setName('');
      await profiles.refresh().catch(() => {});
      await host.notify(`Saved as profile “${p.name}” (version ${p.version}).`);
    } catch (err) {
      setSaveError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    const profile = profiles.data?.find((p) => String(p.id) === chosen);
    if (!profile) return;
    await editor.change(
      (a, v) => applyProfile(a, migrationId, v, profile.id),
      `Profile “${profile.name}” applied.`,
    );
  };

  return (
    <section className="card" aria-labelledby="map-profiles-title">
      <h2 id="map-profiles-title" className="card__title">
        Profiles and versions
      </h2>
      <form className="map-inline-form" onSubmit={save}>
        <TextField
          label="Save this map as a profile"
          hint="A later export with the same headers is mapped the same way."
          value={name}
          maxLength={255}
          error={saveError}
          onChange={(e) => setName(e.target.value)}
        />
        <Button type="submit" busy={saving} disabled={name.trim() === ''}>
          Save profile
        </Button>
      </form>
      {profiles.status === 'error' && (
        <ErrorState
          title="The profiles could not be loaded"
          error={profiles.error}
          onRetry={profiles.reload}
        />
      )}
      {profiles.status === 'success' &&
        (profiles.data.length === 0 ? (
          <p className="map-cell__sub">No saved profiles yet.</p>
        ) : (
          <form className="map-inline-form" onSubmit={apply}>
            <SelectField
              label="Apply a saved profile"
              value={chosen}
              onChange={(e) => setChosen(e.target.value)}
              options={[
                { value: '', label: 'Choose a profile' },
                ...profiles.data.map((p) => ({
                  value: String(p.id),
                  label: `${p.name} (version ${p.version})`,
                })),
              ]}
            />
            <Button type="submit" busy={editor.busy} disabled={chosen === ''}>
              Apply profile
            </Button>
          </form>
        ))}
      <details className="map-versions">
        <summary>Versions of this map</summary>
        {versions.status === 'loading' && <LoadingState label="Loading the versions…" />}
        {versions.status === 'error' && (
          <ErrorState
            title="The versions could not be loaded"
            error={versions.error}
            onRetry={versions.reload}
          />
        )}
        {versions.status === 'success' && (
          <ol className="plain-list map-versions__list" aria-label="Versions">
            {versions.data.map((v) => (
              <li key={v.version}>
                <strong>Version {v.version}</strong> · {v.status}
                {v.provisionedAt ? ', fields created' : ''} · {formatDateTime(v.createdAt)}
                {v.note ? ` · ${v.note}` : ''}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
