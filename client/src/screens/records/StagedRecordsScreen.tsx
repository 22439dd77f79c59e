// The staged records of one entity with their issues: a virtualised table of any length, filtered by
// issue reason (kept in the URL), and the chosen record in full with where each value came from.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { listFiles, type StagedRecord } from '../../api/migrations.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { formatCount } from '../../components/format.ts';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { Table } from '../../components/Table.tsx';
import { paths } from '../../paths.ts';
import { useMigration } from '../migration-context.ts';
import { NotFoundScreen } from '../NotFoundScreen.tsx';
import { countOf, ENTITY_ORDER, ENTITY_WORDS, issueWords, SEVERITY_WORDS } from '../staging-words.ts';
import { columnsOf, fieldWords, rowTone, valueText } from './record-columns.tsx';
import { useStagedRows } from './useStagedRows.ts';

/** `issue` in the URL: absent for every record, `any` for those with an issue, else an issue code. */
function filterOf(issue: string | null) {
  if (!issue) return { withIssues: false, code: null };
  return issue === 'any' ? { withIssues: true, code: null } : { withIssues: true, code: issue };
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function StagedRecordsScreen() {
  const { entity = '' } = useParams();
  const words = ENTITY_WORDS[entity];
  if (!words?.listable) return <NotFoundScreen />;
  return <Records entity={entity} />;
}

function Records({ entity }: { entity: string }) {
  const { migration } = useMigration();
  const id = String(migration.id);
  const words = ENTITY_WORDS[entity] ?? { one: entity, many: entity };
  const [search, setSearch] = useSearchParams();
  const issue = search.get('issue');
  const filter = useMemo(() => filterOf(issue), [issue]);
  const data = useStagedRows(migration.id, entity, filter);
  const [chosen, setChosen] = useState<StagedRecord | null>(null);
  // A new entity or filter shows other records: the one chosen before is not among them.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when what is listed changes.
  useEffect(() => setChosen(null), [entity, issue]);

  const codes = migration.summary.issues.filter((i) => i.entity === entity);
  const options = [
    { value: '', label: `All ${words.many}` },
    { value: 'any', label: `Only ${words.many} with an issue` },
    ...codes.map((i) => ({
      value: i.code,
      label: `${issueWords(i.code)} (${formatCount(i.count)})`,
    })),
  ];
  if (issue && !options.some((o) => o.value === issue))
    options.push({ value: issue, label: issueWords(issue) });
  const listable = ENTITY_ORDER.filter((e) => ENTITY_WORDS[e]?.listable);

  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" className="screen__title">
        Staged {words.many}
      </h1>
      <p className="screen__lead">
        What will move, record by record, with every issue found. Choose a row (or press Enter on it) to see
        all its values and where each came from.
      </p>
      <div className="records__nav">
        <LinkButton to={paths.step(id, 'upload')} size="small">
          Back to the upload
        </LinkButton>
        <nav aria-label="Staged records" className="segments">
          {listable.map((e) => (
            <Link
              key={e}
              to={paths.records(id, e)}
              className="shell__link segments__link"
              aria-current={e === entity ? 'page' : undefined}
            >
              {capitalised(countOf(e, migration.summary.counts[e] ?? 0))}
            </Link>
          ))}
        </nav>
      </div>
      {/* Outside the table, so it stays put while the filtered records load. */}
      <div className="records__filter">
        <SelectField
          label="Show"
          value={issue ?? ''}
          options={options}
          onChange={(e) => {
            const value = e.currentTarget.value;
            setSearch(value ? { issue: value } : {}, { replace: true });
          }}
        />
      </div>
      {data.status === 'error' ? (
        <ErrorState title={`The ${words.many} could not be loaded`} error={data.error} onRetry={data.retry} />
      ) : data.status === 'loading' ? (
        <LoadingState label={`Loading the ${words.many}…`} />
      ) : (
        <Table
          label={`Staged ${words.many}`}
          rows={data.rows}
          // As tall as its rows (and the header), up to a screenful.
          height={Math.min(480, (Math.max(1, data.total) + 1) * 40 + 2)}
          columns={columnsOf(entity)}
          rowKey={(r, i) => (r ? r.actimoId : `loading-${i}`)}
          rowClassName={rowTone}
          onRangeChange={data.show}
          onRowActivate={(r) => r && setChosen(r)}
          countLabel={(n) => countOf(entity, n)}
          empty={issue ? `No ${words.many} with this issue.` : `No ${words.many} were staged.`}
        />
      )}
      {chosen && <RecordDetail record={chosen} migrationId={migration.id} onClose={() => setChosen(null)} />}
    </section>
  );
}

function RecordDetail({
  record,
  migrationId,
  onClose,
}: {
  record: StagedRecord;
  migrationId: number;
  onClose(): void;
}) {
  const files = useApiQuery(`files:${migrationId}`, (api, signal) => listFiles(api, migrationId, signal));
  const names = new Map(files.data?.map((f) => [f.id, f.sheetName ? `${f.name} (${f.sheetName})` : f.name]));
  const where = (source: readonly [number, number, number] | undefined) => {
    if (!source) return null;
    const [fileId, row, column] = source;
    return `${names.get(fileId) ?? `file ${fileId}`}, row ${row}, column ${column + 1}`;
  };
  const entries = Object.entries(record.values);
  const section = useRef<HTMLElement>(null);
  // Keyboard and screen reader users land on the record they chose, below the table.
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again for each record chosen.
  useEffect(() => section.current?.focus(), [record]);
  return (
    <section ref={section} tabIndex={-1} className="card record-detail" aria-labelledby="record-heading">
      <div className="record-detail__head">
        <h2 id="record-heading" className="card__title">
          {record.actimoId}
        </h2>
        <Button size="small" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      {record.issues.length > 0 && (
        <ul className="issue-list">
          {record.issues.map((i, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a record's issues are a fixed list.
            <li key={n} className="issue-list__item">
              <Badge tone={i.severity === 'error' ? 'danger' : i.severity === 'warning' ? 'warning' : 'info'}>
                {capitalised(SEVERITY_WORDS[i.severity]?.one ?? i.severity)}
              </Badge>
              <span className="issue-list__words">{issueWords(i.code)}</span>
              <span className="issue-list__message">
                {i.field ? `${fieldWords(i.field)}: ` : ''}
                {i.message}
              </span>
            </li>
          ))}
        </ul>
      )}
      {files.status === 'loading' && <LoadingState label="Loading where the values came from…" />}
      <dl className="facts">
        {entries.map(([field, value]) => (
          <div key={field} className="facts__pair">
            <dt>{fieldWords(field)}</dt>
            <dd>
              {valueText(value)}
              {record.provenance[field] && (
                <span className="record-detail__source"> from {where(record.provenance[field])}</span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
