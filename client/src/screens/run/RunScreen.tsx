// Step 6, the full run: live progress per kind of record with rate and time left, pause / resume /
// cancel. Everything comes from the server (the run itself runs there), so closing the panel and opening
// it again shows the run where it is.
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { type EngineEntity, kindsIn, progressOf, type Run, startFullRun } from '../../api/engine.ts';
import { Badge, type BadgeTone } from '../../components/Badge.tsx';
import { Banner } from '../../components/Banner.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { formatCount, formatDateTime } from '../../components/format.ts';
import { ProgressBar, type ProgressStatus } from '../../components/ProgressBar.tsx';
import { useRateEstimate } from '../../components/rate.ts';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { useMigration } from '../migration-context.ts';
import { ENTITY_LABELS } from '../plan/plan-words.ts';
import { StepSection } from '../StepSection.tsx';
import { type CancelWords, RunBanners, RunControls } from './RunControls.tsx';
import { isActive, type LiveRun, useRunState } from './useRunState.ts';

export const STATUS_WORDS: Record<Run['status'], { text: string; tone: BadgeTone }> = {
  queued: { text: 'Waiting to start', tone: 'info' },
  running: { text: 'Running', tone: 'info' },
  paused: { text: 'Paused', tone: 'warning' },
  completed: { text: 'Completed', tone: 'success' },
  failed: { text: 'Failed', tone: 'danger' },
  cancelled: { text: 'Cancelled', tone: 'neutral' },
};

export function RunScreen() {
  const { migration } = useMigration();
  const live = useRunState(migration.id, 'full');
  const { query, run } = live;
  return (
    <StepSection step="run">
      {query.status === 'loading' && <LoadingState label="Loading the run…" />}
      {query.status === 'error' && (
        <ErrorState title="The run could not be loaded" error={query.error} onRetry={query.reload} />
      )}
      {query.status === 'success' &&
        (run ? (
          <FullRun migrationId={migration.id} live={live} run={run} />
        ) : (
          <StartRun migrationId={migration.id} latest={live.latest} onStarted={live.refresh} />
        ))}
    </StepSection>
  );
}

/** Starting the full run asks first: it writes to the company's Pipedrive. */
function StartRun({
  migrationId,
  latest,
  onStarted,
}: {
  migrationId: number;
  latest: Run | null;
  onStarted: () => Promise<void>;
}) {
  const api = useApi();
  const host = usePanelHost();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const otherActive = latest !== null && isActive(latest);
  const start = async () => {
    const yes = await host.confirm({
      title: 'Start the full migration?',
      description:
        'Every planned record is written to your Pipedrive. You can pause or cancel, and roll back afterwards.',
      okText: 'Start the migration',
      tone: 'primary',
    });
    if (!yes) return;
    setBusy(true);
    setError(null);
    try {
      await startFullRun(api, migrationId);
      await host.notify('The full migration started.');
      await onStarted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="run-start">
      <h2 id="run-start" className="card__title">
        The full run has not started
      </h2>
      {otherActive ? (
        <p>
          A {latest?.kind} run is still going; the full run can start when it has finished.{' '}
          {latest?.kind === 'sample' && (
            <LinkButton variant="ghost" to={paths.step(String(migrationId), 'sample')}>
              Follow the sample
            </LinkButton>
          )}
        </p>
      ) : (
        <p>
          {latest?.kind === 'sample' && latest.status === 'completed'
            ? 'The sample is complete. Accept it on the sample step, or start the full run here.'
            : 'Review the plan and try a sample first; or start the full run now.'}
        </p>
      )}
      {error !== null && <ErrorState title="The run could not start" error={error} />}
      <div className="actions">
        <Button variant="primary" busy={busy} disabled={otherActive} onClick={start}>
          Start the full run
        </Button>
        <LinkButton to={paths.step(String(migrationId), 'plan')}>Review the plan</LinkButton>
      </div>
    </section>
  );
}

const CANCEL_RUN: CancelWords = {
  title: 'Cancel the migration?',
  description:
    'The run stops after its current batch. What is already in Pipedrive stays there until you roll back.',
  okText: 'Cancel the migration',
  cancelText: 'Keep running',
};

function FullRun({ migrationId, live, run }: { migrationId: number; live: LiveRun; run: Run }) {
  const status = STATUS_WORDS[run.status];
  return (
    <section className="card" aria-labelledby="run-progress">
      <h2 id="run-progress" className="card__title">
        Full run {run.id} <Badge tone={status.tone}>{status.text}</Badge>
      </h2>
      <RunBanners run={run} reconnecting={live.reconnecting} />
      {run.status === 'paused' && run.resumeAt !== null && (
        <Banner tone="info" title="Waiting for tomorrow's API budget">
          Today's share of the budget is spent; the run goes on by itself at{' '}
          {formatDateTime(new Date(run.resumeAt).toISOString())}.
        </Banner>
      )}
      {run.status === 'failed' && (
        <Banner tone="danger" title="The run stopped">
          {run.errorMessage ?? 'An error stopped the run.'} {run.errorCode && <code>{run.errorCode}</code>}
        </Banner>
      )}
      <div className="run-bars">
        {kindsIn(live.counts).map((e) => (
          <EntityProgress key={e} entity={e} counts={live.counts} runStatus={run.status} />
        ))}
      </div>
      <dl className="facts" aria-label="Spent so far">
        <dt>Requests</dt>
        <dd>{formatCount(run.requests)}</dd>
        <dt>Tokens</dt>
        <dd>{formatCount(run.tokens)}</dd>
        <dt>Writes</dt>
        <dd>{formatCount(run.writes)}</dd>
      </dl>
      <RunControls migrationId={migrationId} run={run} cancel={CANCEL_RUN} onChanged={live.refresh}>
        {!isActive(run) && (
          <LinkButton variant="primary" to={paths.step(String(migrationId), 'report')}>
            Read the report
          </LinkButton>
        )}
      </RunControls>
    </section>
  );
}

function EntityProgress({
  entity,
  counts,
  runStatus,
}: {
  entity: EngineEntity;
  counts: LiveRun['counts'];
  runStatus: Run['status'];
}) {
  const { finished, total } = progressOf(counts, entity);
  const { perSecond, secondsLeft } = useRateEstimate(finished, total);
  const failed = counts[entity]?.failed ?? 0;
  const status: ProgressStatus =
    runStatus === 'paused'
      ? 'paused'
      : runStatus === 'failed' || runStatus === 'cancelled'
        ? 'failed'
        : finished >= total || runStatus === 'completed'
          ? 'done'
          : 'running';
  return (
    <div>
      <ProgressBar
        label={ENTITY_LABELS[entity]}
        value={finished}
        max={total}
        perSecond={perSecond}
        secondsLeft={secondsLeft}
        status={status}
      />
      {failed > 0 && <p className="field__error">{formatCount(failed)} failed</p>}
    </div>
  );
}
