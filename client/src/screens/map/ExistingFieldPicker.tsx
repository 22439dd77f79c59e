// The account's own custom fields a target may land in instead of one of ours: read from Pipedrive when
// the admin asks for them, and only those whose type can hold the target's values (the server checks
// again when the choice is saved).
import { fetchAccountFields, type MapDestination } from '../../api/map.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { SelectField } from '../../components/fields.tsx';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { useMigration } from '../migration-context.ts';
import { ENTITY_LABELS } from './map-words.ts';

export interface ExistingFieldPickerProps {
  destination: MapDestination;
  value: string;
  onChange: (fieldCode: string) => void;
}

export function ExistingFieldPicker({ destination: d, value, onChange }: ExistingFieldPickerProps) {
  const { migration } = useMigration();
  const fields = useApiQuery(`account-fields:${migration.id}`, (api, signal) =>
    fetchAccountFields(api, migration.id, signal),
  );
  const entity = ENTITY_LABELS[d.entity];
  if (fields.status === 'loading') return <LoadingState label="Loading the account’s fields…" />;
  if (fields.status === 'error')
    return (
      <ErrorState
        title="The account’s fields could not be loaded"
        error={fields.error}
        onRetry={fields.reload}
      />
    );
  const fitting = fields.data[d.entity].filter((f) => f.fits.includes(d.field));
  if (fitting.length === 0)
    return (
      <p className="map-cell__sub" role="status">
        The account has no custom {entity} field that can hold {d.label}: choose another destination.
      </p>
    );
  const chosen = fitting.find((f) => f.code === value);
  return (
    <SelectField
      label={`Field the account already has, for ${entity} · ${d.label}`}
      hint={chosen && chosen.options.length > 0 ? `Its options: ${chosen.options.join(', ')}` : undefined}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      options={[
        { value: '', label: 'Choose a field' },
        ...fitting.map((f) => ({ value: f.code, label: `${f.name} (${f.typeLabel})` })),
      ]}
    />
  );
}
