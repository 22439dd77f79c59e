// Step 7, the report: what the full run moved per kind of record (numbers and a chart), what it spent,
// and the documents to keep (workflow reference and rebuild guide, integrations, custom-field schema),
// each downloaded with the signed token. A document the server cannot make says why.
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { type Artifact, listArtifacts, listSkipFiles, reportUrl, saveArtifact } from '../../api/artifacts.ts';
import { type Counts, type EngineEntity, kindsIn, type Run } from '../../api/engine.ts';
import { isApiError } from '../../api/errors.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { formatCount, formatDateTime, formatRemaining } from '../../components/format.ts';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { useMigration } from '../migration-context.ts';
import { ENTITY_LABELS } from '../plan/plan-words.ts';
import { STATUS_WORDS } from '../run/RunScreen.tsx';
import { isActive, useRunState } from '../run/useRunState.ts';
import { StepSection } from '../StepSection.tsx';

export function ReportScreen() {
  const { migration } = useMigration();
  const live = useRunState(migration.id, 'full');
  const { query, run } = live;
  const id = String(migration.id);
  return (
    <StepSection step="report">
      {query.status === 'loading' && <LoadingState label="Loading the report…" />}
      {query.status === 'error' && (
        <ErrorState title="The report could not be loaded" error={query.error} onRetry={query.reload} />
      )}
      {query.status === 'success' &&
        (run === null ? (
          <EmptyState
            title="No report yet"
            action={<LinkButton to={paths.step(id, 'run')}>Go to the run</LinkButton>}
          >
            The report is made from the full run, which has not started.
          </EmptyState>
        ) : (
          <>
            <Numbers run={run} counts={live.counts} migrationId={id} />
            <Reconciliation migrationId={migration.id} />
            <Downloads migrationId={migration.id} />
          </>
        ))}
    </StepSection>
  );
}

const PARTS = [
  { key: 'done', label: 'Moved' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'failed', label: 'Failed' },
  { key: 'other', label: 'Not finished' },
] as const;
type Part = (typeof PARTS)[number]['key'];

function partsOf(counts: Counts, entity: string): Record<Part, number> {
  const c = counts[entity] ?? {};
  const done = c.done ?? 0;
  const skipped = c.skipped ?? 0;
  const failed = c.failed ?? 0;
  const all = Object.values(c).reduce((a, b) => a + b, 0);
  return { done, skipped, failed, other: all - done - skipped - failed };
}

function Numbers({ run, counts, migrationId }: { run: Run; counts: Counts; migrationId: string }) {
  const status = STATUS_WORDS[run.status];
  const rows = kindsIn(counts).map((e) => ({ entity: e, parts: partsOf(counts, e) }));
  const seconds =
    run.startedAt !== null && run.finishedAt !== null
      ? Math.max(0, (run.finishedAt - run.startedAt) / 1000)
      : null;
  return (
    <section className="card" aria-labelledby="report-numbers">
      <h2 id="report-numbers" className="card__title">
        Full run {run.id} <Badge tone={status.tone}>{status.text}</Badge>
      </h2>
      {isActive(run) && (
        <p>
          The run is still going; these numbers are where it is now.{' '}
          <LinkButton variant="ghost" to={paths.step(migrationId, 'run')}>
            Follow the run
          </LinkButton>
        </p>
      )}
      <div className="chart" role="img" aria-label={chartWords(rows)}>
        {rows.map(({ entity, parts }) => {
          const total = PARTS.reduce((n, p) => n + parts[p.key], 0);
          return (
            <div className="chart__row" key={entity} aria-hidden="true">
              <span>{ENTITY_LABELS[entity]}</span>
              <div className="chart__bar">
                {total > 0 &&
                  PARTS.filter((p) => parts[p.key] > 0).map((p) => (
                    <span
                      key={p.key}
                      className={`chart__part chart__part--${p.key}`}
                      style={{ width: `${((parts[p.key] / total) * 100).toFixed(2)}%` }}
                    />
                  ))}
              </div>
            </div>
          );
        })}
        <ul className="chart__legend" aria-hidden="true">
          {PARTS.map((p) => (
            <li key={p.key}>
              <span className={`chart__swatch chart__part--${p.key}`} />
              {p.label}
            </li>
          ))}
        </ul>
      </div>
      <DataTable label="Records per kind" columns={['Kind', ...PARTS.map((p) => p.label)]}>
        {rows.map(({ entity, parts }) => (
          <tr key={entity}>
            <th scope="row">{ENTITY_LABELS[entity]}</th>
            {PARTS.map((p) => (
              <td key={p.key}>{formatCount(parts[p.key])}</td>
            ))}
          </tr>
        ))}
      </DataTable>
      <dl className="facts" aria-label="What the run spent">
        <dt>Requests</dt>
        <dd>{formatCount(run.requests)}</dd>
        <dt>Tokens</dt>
        <dd>{formatCount(run.tokens)}</dd>
        <dt>Writes</dt>
        <dd>{formatCount(run.writes)}</dd>
        {run.startedAt !== null && (
          <>
            <dt>Started</dt>
            <dd>{formatDateTime(new Date(run.startedAt).toISOString())}</dd>
          </>
        )}
        {run.finishedAt !== null && (
          <>
            <dt>Finished</dt>
            <dd>
              {formatDateTime(new Date(run.finishedAt).toISOString())}
              {seconds !== null && ` (${formatRemaining(seconds).replace('about ', '')})`}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function chartWords(rows: Array<{ entity: EngineEntity; parts: Record<Part, number> }>) {
  return rows
    .map(
      ({ entity, parts }) =>
        `${ENTITY_LABELS[entity]}: ${PARTS.map((p) => `${formatCount(parts[p.key])} ${p.label.toLowerCase()}`).join(', ')}`,
    )
    .join('; ');
}

function Downloads({ migrationId }: { migrationId: number }) {
  const list = useApiQuery(`artifacts:${migrationId}`, (api, signal) =>
    listArtifacts(api, migrationId, signal),
  );
  return (
    <section className="card" aria-labelledby="report-downloads">
      <h2 id="report-downloads" className="card__title">
        Documents to keep
      </h2>
      {list.status === 'loading' && <LoadingState label="Loading the documents…" />}
      {list.status === 'error' && (
        <ErrorState title="The documents could not be listed" error={list.error} onRetry={list.reload} />
      )}
      {list.status === 'success' &&
        (list.data.length === 0 ? (
          <p>There is nothing to download for this migration.</p>
        ) : (
          <ul className="downloads">
            {list.data.map((a) => (
              <DownloadItem key={a.name} artifact={a} />
            ))}
          </ul>
        ))}
    </section>
  );
}

/** The reconciliation report (HTML page, JSON) and the skip files, one CSV per export with skipped rows. */
function Reconciliation({ migrationId }: { migrationId: number }) {
  const skips = useApiQuery(`skips:${migrationId}`, (api, signal) => listSkipFiles(api, migrationId, signal));
  return (
    <section className="card" aria-labelledby="report-reconciliation">
      <h2 id="report-reconciliation" className="card__title">
        Reconciliation report
      </h2>
      <p>
        Every source row accounted for: created, updated, skipped or failed with the reason, field coverage,
        read-back mismatches and the engagement scores before and after.
      </p>
      <ul className="downloads">
        <SaveItem
          name="report.html"
          title="Reconciliation report (HTML page)"
          url={reportUrl(migrationId, 'html')}
          fallbackName={`reconciliation-migration-${migrationId}.html`}
        />
        <SaveItem
          name="report.json"
          title="Reconciliation report (JSON)"
          url={reportUrl(migrationId, 'json')}
          fallbackName={`reconciliation-migration-${migrationId}.json`}
        />
        {skips.status === 'success' &&
          skips.data.map((f) => (
            <SaveItem
              key={f.fileId}
              name={f.fileName}
              title={`Skipped rows of ${f.fileName} (CSV)`}
              summary={`${formatCount(f.rows)} ${f.rows === 1 ? 'row' : 'rows'}, with the reason for each; fix and upload again`}
              url={f.url}
            />
          ))}
      </ul>
      {skips.status === 'loading' && <LoadingState label="Loading the skip files…" />}
      {skips.status === 'success' && skips.data.length === 0 && <p>No row was skipped or failed.</p>}
      {skips.status === 'error' && !(isApiError(skips.error) && skips.error.code === 'no_run_yet') && (
        <ErrorState title="The skip files could not be listed" error={skips.error} onRetry={skips.reload} />
      )}
    </section>
  );
}

function SaveItem({
  name,
  title,
  summary,
  url,
  fallbackName,
  unavailable,
}: {
  name: string;
  title: string;
  summary?: string | null;
  url: string;
  fallbackName?: string;
  unavailable?: string | null;
}) {
  const api = useApi();
  const host = usePanelHost();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const file = await saveArtifact(api, url, fallbackName);
      await host.notify(`${file.name} downloaded.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="downloads__item">
      <div>
        <strong>{title}</strong>
        {(unavailable ?? summary) && <div className="field__hint">{unavailable ?? summary}</div>}
      </div>
      <Button
        size="small"
        busy={busy}
        disabled={Boolean(unavailable)}
        aria-label={`Download ${name}`}
        onClick={save}
      >
        Download
      </Button>
      {error !== null && <ErrorState title={`${name} could not be downloaded`} error={error} />}
    </li>
  );
}

const FORMAT_WORDS: Record<string, string> = { json: 'JSON', markdown: 'Markdown' };

function DownloadItem({ artifact }: { artifact: Artifact }) {
  const format = FORMAT_WORDS[artifact.format] ?? artifact.format;
  return (
    <SaveItem
      name={artifact.name}
      title={`${artifact.title} (${format})`}
      summary={artifact.summary}
      url={artifact.url}
      unavailable={artifact.available ? null : (artifact.unavailable?.message ?? 'Not available.')}
    />
  );
}
