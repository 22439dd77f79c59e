// A column that feeds an option field: every value found in the data with how often it occurs and the
// option it becomes. Values no option matches are highlighted; the admin maps each to an option of the
// field, to a new option (our own fields only), or skips it (the field is left empty on those records).
// Saved through the column edit as the column's whole value mapping.
import { type FormEvent, useState } from 'react';
import type { MapColumn, OptionMapping, OptionValue, SourceChange } from '../../api/map.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { formatCount } from '../../components/format.ts';

const UNSET = '';
const SKIP = 'skip';
const NEW = 'new';
const optionValue = (label: string) => `option:${label}`;

/** What the admin chose for one value: an option, a new option (with its label), skip, or nothing yet. */
interface Choice {
  select: string;
  newLabel: string;
}

function initialChoice(v: OptionValue): Choice {
  if (v.status === 'option' && v.option !== null) return { select: optionValue(v.option), newLabel: v.value };
  if (v.status === 'empty') return { select: SKIP, newLabel: v.value };
  return { select: UNSET, newLabel: v.value };
}

export interface OptionValuesProps {
  fileId: number;
  column: MapColumn;
  mapping: OptionMapping;
  busy: boolean;
  onSave: (change: SourceChange, done: string) => Promise<boolean>;
}

export function OptionValues({ fileId, column: c, mapping, busy, onSave }: OptionValuesProps) {
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(mapping.values.map((v) => [v.value, initialChoice(v)])),
  );
  const choiceOf = (v: OptionValue) => choices[v.value] ?? initialChoice(v);
  const set = (value: string, next: Partial<Choice>) =>
    setChoices((all) => {
      const base = all[value] ?? { select: UNSET, newLabel: value };
      return { ...all, [value]: { ...base, ...next } };
    });
  const changed = mapping.values.some((v) => choiceOf(v).select !== initialChoice(v).select);
  const missingLabel = mapping.values.some((v) => {
    const ch = choiceOf(v);
    return ch.select === NEW && ch.newLabel.trim() === '';
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const values: Record<string, string | null> = { ...c.values };
    const newOptions: string[] = [];
    for (const v of mapping.values) {
      const ch = choiceOf(v);
      if (ch.select === SKIP) values[v.value] = null;
      else if (ch.select === NEW) {
        const label = ch.newLabel.trim();
        values[v.value] = label;
        if (!newOptions.includes(label)) newOptions.push(label);
      } else if (ch.select.startsWith('option:')) values[v.value] = ch.select.slice('option:'.length);
    }
    await onSave(
      { fileId, column: c.column, values, ...(newOptions.length ? { newOptions } : {}) },
      `The values of “${c.header}” are mapped as you chose.`,
    );
  };
  const selectOptions = (v: OptionValue) => [
    ...(choiceOf(v).select === UNSET ? [{ value: UNSET, label: 'No option yet: choose one' }] : []),
    ...mapping.options.map((o) => ({ value: optionValue(o), label: `Option “${o}”` })),
    ...(mapping.canAddOptions ? [{ value: NEW, label: 'A new option…' }] : []),
    { value: SKIP, label: 'Skip (value_skipped): leave the field empty' },
  ];
  return (
    <form className="map-values" onSubmit={submit} aria-labelledby={`values-title-${c.column}`}>
      <h4 id={`values-title-${c.column}`} className="map-values__title">
        Values of “{c.header}” in {mapping.where}
      </h4>
      <p className="map-cell__sub">
        {mapping.unmatched === 0
          ? `Every value found lands in an option or is skipped (${mapping.options.length} options).`
          : `${mapping.unmatched} ${mapping.unmatched === 1 ? 'value matches' : 'values match'} no option: choose an option, a new option or skip for each.`}
        {!mapping.canAddOptions && ' The field is the account’s own: new options are added in Pipedrive.'}
      </p>
      {mapping.values.length === 0 ? (
        <p>No values were found in this column.</p>
      ) : (
        <ul className="map-values__list">
          {mapping.values.map((v) => {
            const ch = choiceOf(v);
            const unmatched = ch.select === UNSET;
            return (
              <li key={v.value} className={unmatched ? 'map-value map-value--unmatched' : 'map-value'}>
                <div className="map-value__source">
                  <strong>“{v.value}”</strong>{' '}
                  <span className="map-cell__sub">
                    {formatCount(v.count)} {v.count === 1 ? 'row' : 'rows'}
                  </span>{' '}
                  {unmatched && <Badge tone="danger">No option</Badge>}
                </div>
                <SelectField
                  label={`Option for “${v.value}”`}
                  value={ch.select}
                  onChange={(e) => set(v.value, { select: e.target.value })}
                  options={selectOptions(v)}
                />
                {ch.select === NEW && (
                  <TextField
                    label={`New option for “${v.value}”`}
                    value={ch.newLabel}
                    maxLength={255}
                    onChange={(e) => set(v.value, { newLabel: e.target.value })}
                    error={ch.newLabel.trim() === '' ? 'Give the new option a name.' : null}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      <Button type="submit" variant="secondary" busy={busy} disabled={!changed || missingLabel}>
        Save value mapping
      </Button>
    </form>
  );
}
