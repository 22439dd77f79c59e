// Where each Person and Organization value lands, grouped per entity: the destination, the columns that
// feed it, and a change of destination.
import { useState } from 'react';
import { type DestinationChoice, ENTITIES, type MapDestination, type MapView } from '../../api/map.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { DestinationForm } from './DestinationForm.tsx';
import { ENTITY_LABELS } from './map-words.ts';

export interface DestinationsProps {
  view: MapView;
  busy: boolean;
  onSave: (d: MapDestination, choice: DestinationChoice) => Promise<boolean>;
}

export function Destinations({ view, busy, onSave }: DestinationsProps) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="map-destinations-title">
      <h2 id="map-destinations-title" className="section__title">
        Where values land in Pipedrive
      </h2>
      {ENTITIES.map((entity) => {
        const rows = view.destinations.filter((d) => d.entity === entity);
        if (rows.length === 0) return null;
        return (
          <section key={entity} className="map-entity" aria-label={`${ENTITY_LABELS[entity]} fields`}>
            <h3 className="map-file__title">{ENTITY_LABELS[entity]}</h3>
            <ul className="map-destinations">
              {rows.map((d) => {
                const key = `${d.entity}.${d.field}`;
                return (
                  <li key={key} className="map-destination">
                    <div className="map-destination__head">
                      <span className="map-destination__label">{d.label}</span>
                      <span className="map-destination__where">{d.description}</span>
                      {!d.hasData && <Badge>no data</Badge>}
                      <Button
                        size="small"
                        variant="ghost"
                        aria-expanded={open === key}
                        aria-label={`Change where ${ENTITY_LABELS[entity]} ${d.label} lands`}
                        onClick={() => setOpen(open === key ? null : key)}
                      >
                        Change
                      </Button>
                    </div>
                    {d.sources.length > 0 && (
                      <div className="map-cell__sub">
                        From {d.sources.map((s) => `${s.fileName} “${s.header}”`).join(', ')}
                      </div>
                    )}
                    {open === key && (
                      <DestinationForm
                        key={`${d.destination.kind}:${d.description}`}
                        destination={d}
                        busy={busy}
                        onSave={async (choice) => {
                          const ok = await onSave(d, choice);
                          if (ok) setOpen(null);
                          return ok;
                        }}
                      />
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </section>
  );
}
