// Where one Person/Organization target lands in Pipedrive: a standard field, our custom field, a field the
// account already has, a note, not migrated, or the proposal again. Saved as the next version of the map.
import { type FormEvent, useState } from 'react';
import type { DestinationChoice, MapDestination } from '../../api/map.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { ExistingFieldPicker } from './ExistingFieldPicker.tsx';
import {
  destinationChoice,
  destinationOptions,
  destinationValue,
  ENTITY_LABELS,
  PICK_EXISTING,
} from './map-words.ts';

export interface DestinationFormProps {
  destination: MapDestination;
  /** Sends the change; resolves true when the map took it. */
  onSave: (choice: DestinationChoice) => Promise<boolean>;
  busy: boolean;
}

export function DestinationForm({ destination: d, onSave, busy }: DestinationFormProps) {
  const current = destinationValue(d);
  const [value, setValue] = useState(current);
  const [picked, setPicked] = useState('');
  const choice: DestinationChoice | null =
    value === PICK_EXISTING
      ? picked
        ? { kind: 'existing', fieldCode: picked }
        : null
      : destinationChoice(value);
  const unchanged =
    value === current || (choice?.kind === 'existing' && `existing:${choice.fieldCode}` === current);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (choice) await onSave(choice);
  };
  return (
    <form className="map-inline-form" onSubmit={submit}>
      <SelectField
        label={`Where ${ENTITY_LABELS[d.entity]} · ${d.label} lands`}
        hint={`Now: ${d.description} (${d.reason})`}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        options={destinationOptions(d)}
      />
      {value === PICK_EXISTING && <ExistingFieldPicker destination={d} value={picked} onChange={setPicked} />}
      <Button type="submit" variant="secondary" busy={busy} disabled={unchanged || !choice}>
        Save destination
      </Button>
    </form>
  );
}
