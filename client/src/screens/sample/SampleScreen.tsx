// Step 5, the sample: its progress while it runs (from the server, so reopening the panel finds it), then
// the field-level diff: every sampled person and organization, filterable to mismatches and searchable;
// a record's fields show the source values (file, row, column), the transform, what was sent and what
// Pipedrive gave back. Accepting starts the full run (after a confirmation); or back to the map.
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/ApiProvider.tsx';
import { acceptSample, type DiffEntry, type DiffRecord, type Run, startSample } from '../../api/engine.ts';
import { Badge } from '../../components/Badge.tsx';
import { Banner } from '../../components/Banner.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { CheckboxField, SearchField } from '../../components/fields.tsx';
import { formatCount } from '../../components/format.ts';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { type Column, Table } from '../../components/Table.tsx';
import { paths } from '../../paths.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { useMigration } from '../migration-context.ts';
import { DEFAULT_SAMPLE_SIZE } from '../plan/PlanScreen.tsx';
import { type CancelWords, RunBanners, RunControls, RunWritesBar } from '../run/RunControls.tsx';
import { STATUS_WORDS } from '../run/RunScreen.tsx';
import { isActive, useRunState } from '../run/useRunState.ts';
import { StepSection } from '../StepSection.tsx';
import { useDiffRows } from './useDiffRows.ts';

export function SampleScreen() {
  const { migration } = useMigration();
  const live = useRunState(migration.id, 'sample');
  const { query, run } = live;
  return (
    <StepSection step="sample">
      {query.status === 'loading' && <LoadingState label="Loading the sample…" />}
      {query.status === 'error' && (
        <ErrorState title="The sample could not be loaded" error={query.error} onRetry={query.reload} />
      )}
      {query.status === 'success' &&
        (run === null ? (
          <EmptyState
            title="No sample yet"
            action={
              <StartSampleButton migrationId={migration.id} onStarted={live.refresh} label="Run a sample" />
            }
          >
            Review the plan first, or run a sample of {formatCount(DEFAULT_SAMPLE_SIZE)} people now.
          </EmptyState>
        ) : isActive(run) ? (
          <SampleProgress
            migrationId={migration.id}
            run={run}
            reconnecting={live.reconnecting}
            onChanged={live.refresh}
          />
        ) : run.status === 'completed' ? (
          <SampleResult migrationId={migration.id} run={run} accepted={live.latest?.id !== run.id} />
        ) : (
          <Banner
            tone="danger"
            title={`The sample ${run.status === 'cancelled' ? 'was cancelled' : 'stopped'}`}
            action={
              <StartSampleButton migrationId={migration.id} onStarted={live.refresh} label="Run it again" />
            }
          >
            {run.errorMessage ?? 'Nothing more was sent.'}
          </Banner>
        ))}
    </StepSection>
  );
}

function StartSampleButton({
  migrationId,
  onStarted,
  label,
}: {
  migrationId: number;
  onStarted: () => Promise<void>;
  label: string;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startSample(api, migrationId);
      await onStarted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="primary" busy={busy} onClick={start}>
        {label}
      </Button>
      {error !== null && <ErrorState title="The sample could not start" error={error} />}
    </>
  );
}

const CANCEL_SAMPLE: CancelWords = {
  title: 'Cancel the sample?',
  description: 'It stops after its current batch. What it wrote stays in Pipedrive until you roll back.',
  okText: 'Cancel the sample',
  cancelText: 'Keep going',
};

function SampleProgress({
  migrationId,
  run,
  reconnecting,
  onChanged,
}: {
  migrationId: number;
  run: Run;
  reconnecting: boolean;
  onChanged: () => Promise<void>;
}) {
  const status = STATUS_WORDS[run.status];
  return (
    <section className="card" aria-labelledby="sample-progress">
      <h2 id="sample-progress" className="card__title">
        Sample of {formatCount(run.sampleSize ?? 0)} people <Badge tone={status.tone}>{status.text}</Badge>
      </h2>
      <RunBanners run={run} reconnecting={reconnecting} />
      <RunWritesBar label="Records written" run={run} />
      <p>
        {formatCount(run.requests)} requests so far. The comparison appears here when the sample has been read
        back from Pipedrive; you can close the panel meanwhile.
      </p>
      <RunControls migrationId={migrationId} run={run} cancel={CANCEL_SAMPLE} onChanged={onChanged} />
    </section>
  );
}

/** A value as Pipedrive holds it, readable: emails and phones (lists of `{value}`) as their values. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length === 0) return '—';
    return v
      .map((item) =>
        item !== null && typeof item === 'object' && 'value' in item
          ? valueText(item.value)
          : valueText(item),
      )
      .join(', ');
  }
  return JSON.stringify(v);
}

const recordColumns: Column<DiffRecord | null>[] = [
  {
    id: 'label',
    header: 'Record',
    width: 'minmax(10rem, 2fr)',
    cell: (r) => (r ? (r.label ?? r.actimoId) : 'Loading…'),
  },
  { id: 'entity', header: 'Kind', width: '8rem', cell: (r) => (r ? r.entity : '') },
  { id: 'actimo', header: 'Actimo id', width: 'minmax(8rem, 1fr)', cell: (r) => r?.actimoId ?? '' },
  {
    id: 'check',
    header: 'Read back',
    width: '10rem',
    cell: (r) => {
      if (!r) return '';
      const n = r.fields.filter((f) => f.differs).length;
      if (n > 0) return <Badge tone="danger">{`${n} ${n === 1 ? 'mismatch' : 'mismatches'}`}</Badge>;
      return r.verified ? <Badge tone="success">Matches</Badge> : <Badge>{r.state}</Badge>;
    },
  },
];

function SampleResult({ migrationId, run, accepted }: { migrationId: number; run: Run; accepted: boolean }) {
  const api = useApi();
  const host = usePanelHost();
  const navigate = useNavigate();
  const [mismatchesOnly, setMismatchesOnly] = useState(false);
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(t);
  }, [typed]);
  const data = useDiffRows(migrationId, mismatchesOnly, search);
  const [chosen, setChosen] = useState<DiffRecord | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter lists other records.
  useEffect(() => setChosen(null), [mismatchesOnly, search]);
  const [accepting, setAccepting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = String(migrationId);

  const accept = async () => {
    const yes = await host.confirm({
      title: 'Accept the sample and start the full migration?',
      description:
        'Every planned record is written to your Pipedrive. What the sample wrote is not sent again. You can pause or cancel, and roll back afterwards.',
      okText: 'Start the migration',
      tone: 'primary',
    });
    if (!yes) return;
    setAccepting(true);
    setError(null);
    try {
      await acceptSample(api, migrationId);
      await host.notify('The full migration started.');
      navigate(paths.step(id, 'run'));
    } catch (err) {
      setError(err);
      setAccepting(false);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby="sample-diff">
        <h2 id="sample-diff" className="card__title">
          Sample of {formatCount(run.sampleSize ?? 0)} people, compared field by field
        </h2>
        <p>
          Choose a record (or press Enter on it) to see each field: the Actimo value and where it came from,
          the transform, what was sent and what Pipedrive gave back.
        </p>
        <div className="diff__filters">
          <SearchField
            label="Search by name or Actimo id"
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
          />
          <CheckboxField
            label="Only records with a mismatch"
            checked={mismatchesOnly}
            onChange={(e) => setMismatchesOnly(e.currentTarget.checked)}
          />
        </div>
        {data.status === 'error' ? (
          <ErrorState title="The comparison could not be loaded" error={data.error} onRetry={data.retry} />
        ) : data.status === 'loading' ? (
          <LoadingState label="Loading the comparison…" />
        ) : (
          <Table
            label="Sampled records"
            rows={data.rows}
            height={Math.min(400, (Math.max(1, data.total) + 1) * 40 + 2)}
            columns={recordColumns}
            rowKey={(r, i) => (r ? r.recordId : `loading-${i}`)}
            onRangeChange={data.show}
            onRowActivate={(r) => r && setChosen(r)}
            countLabel={(n) => `${formatCount(n)} ${n === 1 ? 'record' : 'records'}`}
            empty={
              mismatchesOnly || search
                ? 'No sampled record matches.'
                : 'The sample wrote no person or organization.'
            }
          />
        )}
      </section>
      {chosen && <FieldDiff record={chosen} onClose={() => setChosen(null)} />}
      <section className="card" aria-labelledby="sample-decide">
        <h2 id="sample-decide" className="card__title">
          {accepted ? 'The migration went on after this sample' : 'Happy with the sample?'}
        </h2>
        {error !== null && <ErrorState title="The full run could not start" error={error} />}
        <div className="actions">
          {accepted ? (
            <LinkButton variant="primary" to={paths.step(id, 'run')}>
              Follow the full run
            </LinkButton>
          ) : (
            <Button variant="primary" busy={accepting} onClick={accept}>
              Accept and run everything
            </Button>
          )}
          <LinkButton to={paths.step(id, 'map')}>Back to the map</LinkButton>
        </div>
      </section>
    </>
  );
}

function FieldDiff({ record, onClose }: { record: DiffRecord; onClose: () => void }) {
  const section = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again for each record chosen.
  useEffect(() => section.current?.focus(), [record]);
  const title = record.label ?? record.actimoId;
  return (
    <section ref={section} tabIndex={-1} className="card record-detail" aria-labelledby="diff-heading">
      <div className="record-detail__head">
        <h2 id="diff-heading" className="card__title">
          {title}
          {record.pipedriveId !== null && (
            <span className="field__hint"> Pipedrive id {record.pipedriveId}</span>
          )}
        </h2>
        <Button size="small" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      {record.fields.length === 0 ? (
        <p>No field to show.</p>
      ) : (
        <DataTable
          label={`Fields of ${title}`}
          columns={['Field', 'Actimo value', 'Transform', 'Sent', 'Read back']}
        >
          {record.fields.map((f) => (
            <FieldRow key={f.pipedriveKey} field={f} />
          ))}
        </DataTable>
      )}
    </section>
  );
}

function FieldRow({ field }: { field: DiffEntry }) {
  return (
    <tr className={field.differs ? 'diff-row diff-row--differs' : 'diff-row'}>
      <th scope="row">
        {field.target} {field.differs && <Badge tone="danger">Differs</Badge>}
      </th>
      <td>
        {field.sources.length === 0
          ? '—'
          : field.sources.map((s) => (
              <div key={`${s.fileName}:${s.row}:${s.header}`}>
                {valueText(s.raw)}{' '}
                <span className="record-detail__source">
                  from {s.fileName}, row {s.row}, “{s.header}”
                </span>
              </div>
            ))}
      </td>
      <td>
        <code>{field.transform}</code>
      </td>
      <td>{valueText(field.sent)}</td>
      <td>{valueText(field.readBack)}</td>
    </tr>
  );
}
