// What every run of a migration shows while it goes, whatever its kind (full run, sample, rollback,
// delta): the state banners (pausing, cancelling, reconnecting), the bar of records written when no
// total is known, and pause / resume / cancel, cancel only after a confirmation in red.
import { type ReactNode, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { controlRun, type Run, type RunAction } from '../../api/engine.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { ErrorState } from '../../components/states.tsx';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { isActive } from './useRunState.ts';

/** The words of the confirmation before cancelling: what stops and what stays. */
export interface CancelWords {
  title: string;
  description: string;
  okText: string;
  cancelText: string;
}

/** One bar for a run whose total is not known: what it wrote so far. */
export function RunWritesBar({ label, run }: { label: string; run: Run }) {
  return (
    <ProgressBar
      label={label}
      value={run.writes}
      max={null}
      status={run.status === 'paused' ? 'paused' : 'running'}
    />
  );
}

/** What the run is about to do or cannot show, above its progress: pausing, cancelling, reconnecting. */
export function RunBanners({ run, reconnecting }: { run: Run; reconnecting: boolean }) {
  return (
    <>
      {run.requested === 'pause' && run.status === 'running' && (
        <Banner title="Pausing">The run pauses after its current batch.</Banner>
      )}
      {run.requested === 'cancel' && run.status === 'running' && (
        <Banner tone="warning" title="Cancelling">
          The run stops after its current batch.
        </Banner>
      )}
      {reconnecting && isActive(run) && (
        <Banner tone="warning" title="Reconnecting">
          The live progress lost its connection; the run goes on on the server.
        </Banner>
      )}
    </>
  );
}

/** Pause / resume / cancel (after a confirmation in red) of the migration's active run. */
export function RunControls({
  migrationId,
  run,
  cancel,
  onChanged,
  children,
}: {
  migrationId: number;
  run: Run;
  cancel: CancelWords;
  /** Called after an action went through: load the run again. */
  onChanged: () => Promise<void>;
  /** More actions, next to pause / resume / cancel. */
  children?: ReactNode;
}) {
  const api = useApi();
  const host = usePanelHost();
  const [busy, setBusy] = useState<RunAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const active = isActive(run);

  const act = async (action: RunAction) => {
    if (action === 'cancel') {
      const yes = await host.confirm({ ...cancel, tone: 'negative' });
      if (!yes) return;
    }
    setBusy(action);
    setError(null);
    try {
      await controlRun(api, migrationId, action);
      await onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {error !== null && <ErrorState title="That did not work" error={error} />}
      {(active || children) && (
        <div className="actions">
          {(run.status === 'running' || run.status === 'queued') && (
            <Button busy={busy === 'pause'} disabled={run.requested !== null} onClick={() => act('pause')}>
              Pause
            </Button>
          )}
          {run.status === 'paused' && (
            <Button variant="primary" busy={busy === 'resume'} onClick={() => act('resume')}>
              Resume
            </Button>
          )}
          {active && (
            <Button
              variant="negative"
              busy={busy === 'cancel'}
              disabled={run.requested === 'cancel'}
              onClick={() => act('cancel')}
            >
              Cancel
            </Button>
          )}
          {children}
        </div>
      )}
    </>
  );
}
