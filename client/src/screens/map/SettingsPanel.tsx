// The map's record settings: what happens to a person without a name and to a value that cannot be sent,
// the time zone of created times that state none, and the labels of e-mails and phones. Saved as the next
// version of the map (only what changed is sent). Company-wide choices (duplicate policy, visibility) are
// not the map's and are not edited here.
import { type FormEvent, useState } from 'react';
import { EMAIL_LABELS, INVALID_VALUE, type MapSettings, MISSING_NAME, PHONE_LABELS } from '../../api/map.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';

const MISSING_NAME_WORDS: Record<MapSettings['missingName'], string> = {
  skip: 'Skip the person',
  email: 'Name the person after their e-mail',
  actimoId: 'Name the person after their Actimo id',
};

const INVALID_VALUE_WORDS: Record<MapSettings['invalidValue'], string> = {
  drop_value: 'Leave that value out (the record still moves)',
  skip_record: 'Skip the whole record',
};

const LABEL_WORDS: Record<string, string> = { work: 'Work', home: 'Home', mobile: 'Mobile', other: 'Other' };

const KEYS = ['missingName', 'invalidValue', 'timeZone', 'emailLabel', 'phoneLabel'] as const;

export interface SettingsPanelProps {
  settings: MapSettings;
  busy: boolean;
  onSave: (changed: Partial<MapSettings>) => Promise<boolean>;
}

export function SettingsPanel({ settings, busy, onSave }: SettingsPanelProps) {
  const [draft, setDraft] = useState<MapSettings>(settings);
  const changed: Partial<MapSettings> = {};
  for (const k of KEYS) if (draft[k] !== settings[k]) Object.assign(changed, { [k]: draft[k] });
  const timeZone = draft.timeZone.trim();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onSave(changed.timeZone !== undefined ? { ...changed, timeZone } : changed);
  };
  const set = <K extends keyof MapSettings>(key: K, value: MapSettings[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  return (
    <section className="card" aria-labelledby="map-settings-title">
      <h2 id="map-settings-title" className="card__title">
        Record settings
      </h2>
      <p className="map-cell__sub">
        They apply to every record of this map. Saving makes a new version, to be confirmed again.
      </p>
      <form className="map-settings" onSubmit={submit}>
        <SelectField
          label="A person without a name"
          value={draft.missingName}
          onChange={(e) => {
            const v = MISSING_NAME.find((x) => x === e.target.value);
            if (v) set('missingName', v);
          }}
          options={MISSING_NAME.map((v) => ({ value: v, label: MISSING_NAME_WORDS[v] }))}
        />
        <SelectField
          label="A value that cannot be sent"
          value={draft.invalidValue}
          onChange={(e) => {
            const v = INVALID_VALUE.find((x) => x === e.target.value);
            if (v) set('invalidValue', v);
          }}
          options={INVALID_VALUE.map((v) => ({ value: v, label: INVALID_VALUE_WORDS[v] }))}
        />
        <TextField
          label="Time zone of created times that state none"
          hint="An IANA time zone, such as Europe/Copenhagen (Actimo shows local time)."
          value={draft.timeZone}
          maxLength={64}
          autoComplete="off"
          onChange={(e) => set('timeZone', e.target.value)}
          error={timeZone === '' ? 'Give a time zone.' : null}
        />
        <SelectField
          label="Label of e-mail addresses"
          value={draft.emailLabel}
          onChange={(e) => {
            const v = EMAIL_LABELS.find((x) => x === e.target.value);
            if (v) set('emailLabel', v);
          }}
          options={EMAIL_LABELS.map((v) => ({ value: v, label: LABEL_WORDS[v] ?? v }))}
        />
        <SelectField
          label="Label of phone numbers"
          value={draft.phoneLabel}
          onChange={(e) => {
            const v = PHONE_LABELS.find((x) => x === e.target.value);
            if (v) set('phoneLabel', v);
          }}
          options={PHONE_LABELS.map((v) => ({ value: v, label: LABEL_WORDS[v] ?? v }))}
        />
        <div className="actions">
          <Button
            type="submit"
            variant="secondary"
            busy={busy}
            disabled={Object.keys(changed).length === 0 || timeZone === ''}
          >
            Save settings
          </Button>
        </div>
      </form>
    </section>
  );
}
