// One staged file's columns in a virtualised table: header and examples, where it lands, the transform,
// how sure the proposal is and why. Flagged and low-confidence rows stand out; a row opens its editor.
import type { MapColumn, MapFile } from '../../api/map.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { type Column, Table } from '../../components/Table.tsx';
import { kindLabel } from '../staging-words.ts';
import { confidenceOf, LOW_CONFIDENCE, percent } from './map-words.ts';

const ROW = 56;

export interface FileColumnsProps {
  file: MapFile;
  selected: number | null;
  onOpen: (column: MapColumn) => void;
}

export function FileColumns({ file, selected, onOpen }: FileColumnsProps) {
  const flagged = file.columns.filter((c) => c.flags.some((f) => f.blocking)).length;
  const columns: Column<MapColumn>[] = [
    {
      id: 'column',
      header: 'Column',
      width: 'minmax(9rem, 1.2fr)',
      cell: (c) => (
        <span className="map-cell">
          <strong className="map-cell__main">{c.header}</strong>
          <span className="map-cell__sub">{c.profile?.examples.slice(0, 3).join(' · ') || 'no values'}</span>
        </span>
      ),
    },
    {
      id: 'destination',
      header: 'Lands in',
      width: 'minmax(12rem, 2fr)',
      cell: (c) => (
        <span className="map-cell" title={c.destination}>
          <span className="map-cell__main">{c.destination}</span>
          <span className="map-cell__sub">{c.transform}</span>
        </span>
      ),
    },
    {
      id: 'confidence',
      header: 'Confidence',
      width: '8.5rem',
      cell: (c) => {
        const w = confidenceOf(c);
        return (
          <span className="map-cell">
            <Badge tone={w.tone}>{w.word}</Badge>
            <span className="map-cell__sub">{percent(c.confidence)}</span>
          </span>
        );
      },
    },
    {
      id: 'reason',
      header: 'Why',
      width: 'minmax(12rem, 2fr)',
      cell: (c) => (
        <span className="map-cell map-cell--wrap" title={c.reason}>
          {c.flags.find((f) => f.blocking)?.message ?? c.reason}
        </span>
      ),
    },
    {
      id: 'edit',
      header: <span className="visually-hidden">Actions</span>,
      width: '5.5rem',
      cell: (c) => (
        <Button size="small" onClick={() => onOpen(c)} aria-label={`Edit column ${c.header}`}>
          Edit
        </Button>
      ),
    },
  ];
  return (
    <section className="map-file" aria-labelledby={`map-file-${file.fileId}`}>
      <h3 id={`map-file-${file.fileId}`} className="map-file__title">
        {file.name} <Badge>{kindLabel(file.kind)}</Badge>
        {flagged > 0 && <Badge tone="danger">{`${flagged} to check`}</Badge>}
      </h3>
      <Table
        label={`Columns of ${file.name}`}
        rows={file.columns}
        columns={columns}
        rowKey={(c) => c.column}
        rowHeight={ROW}
        height={Math.min(ROW * (file.columns.length + 1) + 2, ROW * 8)}
        onRowActivate={onOpen}
        countLabel={(n) => `${n} ${n === 1 ? 'column' : 'columns'}`}
        rowClassName={(c) =>
          [
            c.flags.some((f) => f.blocking) ? 'map-row--blocking' : undefined,
            c.confidence < LOW_CONFIDENCE && c.field !== null && !c.decided ? 'map-row--low' : undefined,
            c.column === selected ? 'map-row--selected' : undefined,
          ]
            .filter(Boolean)
            .join(' ') || undefined
        }
        empty="This file has no columns."
      />
    </section>
  );
}
