// One column, opened from its file's table: why it was proposed, what is flagged, the field it feeds
// (or ignored), accepting a flagged proposal, and where each of its values lands in Pipedrive.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import {
  DATE_SEPARATORS,
  type DateOrder,
  type DateParse,
  type DestinationChoice,
  dateParseOf,
  type MapColumn,
  type MapDestination,
  type MapFile,
  type SourceChange,
} from '../../api/map.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { DestinationForm } from './DestinationForm.tsx';
import { confidenceOf, ORIGIN_WORDS, percent } from './map-words.ts';
import { OptionValues } from './OptionValues.tsx';

const IGNORE = '';

export interface ColumnEditorProps {
  file: MapFile;
  column: MapColumn;
  destinations: MapDestination[];
  busy: boolean;
  onSource: (change: SourceChange, done: string) => Promise<boolean>;
  onDestination: (d: MapDestination, choice: DestinationChoice) => Promise<boolean>;
  onClose: () => void;
}

export function ColumnEditor({
  file,
  column: c,
  destinations,
  busy,
  onSource,
  onDestination,
  onClose,
}: ColumnEditorProps) {
  const [field, setField] = useState(c.field ?? IGNORE);
  const heading = useRef<HTMLHeadingElement>(null);
  // A newer version of the same column (after a save) starts from what the server now says.
  useEffect(() => setField(c.field ?? IGNORE), [c.field]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves when another column opens.
  useEffect(() => heading.current?.focus(), [file.fileId, c.column]);
  const confidence = confidenceOf(c);
  const dateParse = dateParseOf(c);
  const acceptable = c.flags.some((f) => f.blocking) && c.field !== null;
  const options = [
    { value: IGNORE, label: 'Ignore this column (not migrated)' },
    ...file.fieldChoices.map((f) => ({ value: f.field, label: f.label })),
  ];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const next = field === IGNORE ? null : field;
    await onSource(
      { fileId: file.fileId, column: c.column, field: next },
      next === null ? `“${c.header}” is ignored.` : `“${c.header}” now feeds ${labelOf(file, next)}.`,
    );
  };
  return (
    <section className="card map-editor" aria-labelledby="column-editor-title">
      <div className="map-editor__head">
        <h3 id="column-editor-title" className="card__title" tabIndex={-1} ref={heading}>
          Column “{c.header}” in {file.name}
        </h3>
        <Button size="small" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      <dl className="facts">
        <dt>Confidence</dt>
        <dd>
          <Badge tone={confidence.tone}>{confidence.word}</Badge> {percent(c.confidence)},{' '}
          {ORIGIN_WORDS[c.origin] ?? c.origin}
        </dd>
        <dt>Why</dt>
        <dd>{c.reason}</dd>
        <dt>Transform</dt>
        <dd>{c.transform}</dd>
        <dt>Lands in</dt>
        <dd>{c.destination}</dd>
        {c.profile && c.profile.examples.length > 0 && (
          <>
            <dt>Examples</dt>
            <dd className="map-examples">{c.profile.examples.slice(0, 5).join(' · ')}</dd>
          </>
        )}
      </dl>
      {c.flags.length > 0 && (
        <ul className="map-flags" aria-label="What needs a look">
          {c.flags.map((f) => (
            <li key={f.code} className={f.blocking ? 'map-flag map-flag--blocking' : 'map-flag'}>
              <Badge tone={f.blocking ? 'danger' : 'warning'}>{f.blocking ? 'Blocks' : 'Note'}</Badge>{' '}
              {f.message}
            </li>
          ))}
        </ul>
      )}
      {acceptable && (
        <div className="actions">
          <Button
            variant="primary"
            busy={busy}
            onClick={() =>
              onSource(
                { fileId: file.fileId, column: c.column, accept: true },
                `“${c.header}” is accepted as proposed.`,
              )
            }
          >
            Accept as proposed
          </Button>
        </div>
      )}
      <form className="map-inline-form" onSubmit={submit}>
        <SelectField
          label="Field this column feeds"
          value={field}
          onChange={(e) => setField(e.target.value)}
          options={options}
        />
        <Button type="submit" busy={busy} disabled={field === (c.field ?? IGNORE)}>
          Save field
        </Button>
      </form>
      {dateParse && c.field !== null && (
        <DateOrderForm
          key={JSON.stringify(dateParse.orders)}
          parse={dateParse}
          busy={busy}
          onSave={(parse) =>
            onSource(
              { fileId: file.fileId, column: c.column, parse },
              `The dates of “${c.header}” are read in the order you chose.`,
            )
          }
        />
      )}
      {c.optionMapping && c.field !== null && (
        <OptionValues
          key={JSON.stringify([c.optionMapping.options, c.optionMapping.values])}
          fileId={file.fileId}
          column={c}
          mapping={c.optionMapping}
          busy={busy}
          onSave={onSource}
        />
      )}
      {destinations.map((d) => (
        <DestinationForm
          key={`${d.entity}.${d.field}:${d.destination.kind}:${d.description}`}
          destination={d}
          busy={busy}
          onSave={(choice) => onDestination(d, choice)}
        />
      ))}
    </section>
  );
}

function labelOf(file: MapFile, field: string): string {
  return file.fieldChoices.find((f) => f.field === field)?.label ?? field;
}

const ORDER_WORDS: Record<DateOrder | '', string> = {
  '': 'Not set (only unambiguous dates are read)',
  dmy: 'Day first (03-04-2026 is 3 April)',
  mdy: 'Month first (03-04-2026 is 4 March)',
};

/** A date column's day/month order per separator: what the data cannot settle, the admin does. */
function DateOrderForm({
  parse,
  busy,
  onSave,
}: {
  parse: DateParse;
  busy: boolean;
  onSave: (parse: DateParse) => Promise<boolean>;
}) {
  const [orders, setOrders] = useState(parse.orders);
  const changed = DATE_SEPARATORS.some((s) => orders[s] !== parse.orders[s]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onSave({ ...parse, orders });
  };
  return (
    <form className="map-inline-form" onSubmit={submit} aria-label="Day and month order">
      {DATE_SEPARATORS.map((sep) => (
        <SelectField
          key={sep}
          label={`Dates written with “${sep}”`}
          value={orders[sep] ?? ''}
          onChange={(e) => {
            const value = e.target.value;
            setOrders((o) => {
              const next = { ...o };
              if (value === 'dmy' || value === 'mdy') next[sep] = value;
              else delete next[sep];
              return next;
            });
          }}
          options={(['', 'dmy', 'mdy'] as const).map((v) => ({ value: v, label: ORDER_WORDS[v] }))}
        />
      ))}
      <Button type="submit" busy={busy} disabled={!changed}>
        Save date order
      </Button>
    </form>
  );
}
