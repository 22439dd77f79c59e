// Step 8a, rollback: a dry run first (what would be deleted, restored to its values before the
// migration, and kept because someone changed it in Pipedrive since), then the rollback itself after a
// confirmation, with its progress and pause / resume / cancel like any run, and what it did per kind.
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import type { Run } from '../../api/engine.ts';
import { isApiError } from '../../api/errors.ts';
import {
  type DryRun,
  fetchRollbackConflicts,
  fetchRollbackStatus,
  type PlanLine,
  type RollbackOptions,
  rollbackDryRun,
  startRollback,
} from '../../api/rollback.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Badge } from '../../components/Badge.tsx';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { CheckboxField, RadioGroup } from '../../components/fields.tsx';
import { formatCount } from '../../components/format.ts';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { useMigration } from '../migration-context.ts';
import { type CancelWords, RunBanners, RunControls, RunWritesBar } from '../run/RunControls.tsx';
import { STATUS_WORDS } from '../run/RunScreen.tsx';
import { isActive, useRunState } from '../run/useRunState.ts';
import { StepSection } from '../StepSection.tsx';
import { valueText } from '../sample/SampleScreen.tsx';
import { AuditLog } from './AuditLog.tsx';

// A custom field is removed (`remove_field`) or kept (`keep_field`): shown as deleted or kept like a record.
const ACTIONS = [
  { key: 'delete', label: 'Deleted', actions: ['delete', 'remove_field'] },
  { key: 'restore', label: 'Restored', actions: ['restore'] },
  { key: 'keep', label: 'Kept', actions: ['keep', 'keep_field'] },
  { key: 'none', label: 'Nothing to do', actions: ['none'] },
] as const;

const REASONS: Record<string, string> = {
  created_by_us: 'created by the migration',
  value_changed: 'someone changed it in Pipedrive since',
  file_kept: 'it describes a file that is kept',
  forced: 'changed in Pipedrive since, deleted anyway (force)',
  already_deleted: 'already gone from Pipedrive',
  already_restored: 'already holds its values from before',
  already_rolled_back: 'already rolled back',
  created_in_other_run: 'written by another run',
  field_used_by_other_migration: 'another migration of this company maps to it',
};

function reasonText(code: string): string {
  return REASONS[code] ?? code.replaceAll('_', ' ');
}

const ENTITY_WORDS: Record<string, string> = {
  organization: 'Organizations',
  person: 'People',
  note: 'Notes',
  file: 'Files',
  activity: 'Activities',
  field: 'Custom fields',
};

export function RollbackScreen() {
  const { migration } = useMigration();
  const id = migration.id;
  const status = useApiQuery(`rollback:${id}`, (api, signal) => fetchRollbackStatus(api, id, signal));
  const live = useRunState(id, 'rollback');
  const refresh = async () => {
    await Promise.all([status.refresh(), live.refresh()]);
  };
  const loading = status.status === 'loading' || live.query.status === 'loading';
  const error =
    status.status === 'error' ? status.error : live.query.status === 'error' ? live.query.error : null;
  const run = live.run;
  const runId = run?.id ?? null;
  const runActive = run !== null && isActive(run);
  // What the rollback did is counted by the server: load it again once the followed run has finished.
  const followed = useRef<number | null>(null);
  const { refresh: refreshStatus } = status;
  useEffect(() => {
    if (runActive) followed.current = runId;
    else if (runId !== null && followed.current === runId) {
      followed.current = null;
      refreshStatus().catch(() => {});
    }
  }, [runId, runActive, refreshStatus]);
  const busyElsewhere = live.latest !== null && live.latest.kind !== 'rollback' && isActive(live.latest);
  return (
    <StepSection step="rollback">
      {loading && error === null && <LoadingState label="Loading the rollback…" />}
      {error !== null && (
        <ErrorState
          title="The rollback could not be loaded"
          error={error}
          onRetry={() => {
            status.reload();
            live.query.reload();
          }}
        />
      )}
      {!loading && error === null && (
        <>
          {run !== null && (
            <RollbackRun
              migrationId={id}
              run={run}
              summary={status.data?.summary ?? {}}
              reconnecting={live.reconnecting}
              onChanged={refresh}
            />
          )}
          {busyElsewhere ? (
            <Banner tone="warning" title="A run is going">
              A {live.latest?.kind} run is active; roll back when it has finished, or cancel it first.
            </Banner>
          ) : (
            (run === null || !isActive(run)) && <Preview migrationId={id} onStarted={refresh} />
          )}
        </>
      )}
      <AuditLog migrationId={id} />
    </StepSection>
  );
}

function SummaryTable({
  label,
  summary,
}: {
  label: string;
  summary: Record<string, Record<string, number>>;
}) {
  const entities = Object.keys(summary).filter((e) => Object.values(summary[e] ?? {}).some((n) => n > 0));
  if (entities.length === 0) return <p>Nothing to roll back.</p>;
  return (
    <DataTable label={label} columns={['Kind', ...ACTIONS.map((a) => a.label)]}>
      {entities.map((e) => (
        <tr key={e}>
          <th scope="row">{ENTITY_WORDS[e] ?? e}</th>
          {ACTIONS.map((a) => (
            <td key={a.key}>{formatCount(a.actions.reduce((n, k) => n + (summary[e]?.[k] ?? 0), 0))}</td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
}

const CANCEL_ROLLBACK: CancelWords = {
  title: 'Stop the rollback?',
  description: 'It stops after its current batch; what it undid so far stays undone.',
  okText: 'Stop the rollback',
  cancelText: 'Keep going',
};

function RollbackRun({
  migrationId,
  run,
  summary,
  reconnecting,
  onChanged,
}: {
  migrationId: number;
  run: Run;
  summary: Record<string, Record<string, number>>;
  reconnecting: boolean;
  onChanged: () => Promise<void>;
}) {
  const words = STATUS_WORDS[run.status];
  return (
    <section className="card" aria-labelledby="rollback-run">
      <h2 id="rollback-run" className="card__title">
        Rollback run {run.id} <Badge tone={words.tone}>{words.text}</Badge>
      </h2>
      <RunBanners run={run} reconnecting={reconnecting} />
      {isActive(run) ? (
        <RunWritesBar label="Records undone" run={run} />
      ) : (
        <>
          <SummaryTable label="What the rollback did" summary={summary} />
          <RunConflicts migrationId={migrationId} runId={run.id} />
        </>
      )}
      {run.status === 'failed' && (
        <Banner tone="danger" title="The rollback stopped">
          {run.errorMessage ?? 'An error stopped it.'} Preview again and run it once more: what is undone
          stays undone.
        </Banner>
      )}
      <p>
        {formatCount(run.writes)} writes, {formatCount(run.requests)} requests.
      </p>
      <RunControls migrationId={migrationId} run={run} cancel={CANCEL_ROLLBACK} onChanged={onChanged} />
    </section>
  );
}

/** What a finished rollback kept, restored in part or forced (the first page of them). */
function RunConflicts({ migrationId, runId }: { migrationId: number; runId: number }) {
  const q = useApiQuery(`rollback-conflicts:${migrationId}:${runId}`, (api, signal) =>
    fetchRollbackConflicts(api, migrationId, runId, signal),
  );
  if (q.status === 'loading') return <LoadingState label="Loading what the rollback kept…" />;
  if (q.status === 'error')
    return (
      <ErrorState title="What the rollback kept could not be loaded" error={q.error} onRetry={q.reload} />
    );
  return <Conflicts items={q.data.items} title="Changed since, and what the rollback did with them" />;
}

const FORCE_CHOICES = [
  {
    value: 'keep',
    label: 'Keep them as they are',
    hint: 'Recommended: what people changed in Pipedrive stays; the rollback leaves these records alone.',
  },
  {
    value: 'force',
    label: 'Delete or restore them anyway (force)',
    hint: 'What people changed in Pipedrive since is lost.',
  },
] as const;

function Preview({ migrationId, onStarted }: { migrationId: number; onStarted: () => Promise<void> }) {
  const api = useApi();
  const host = usePanelHost();
  const [options, setOptions] = useState<RollbackOptions>({ force: false, removeFields: false });
  const [plan, setPlan] = useState<DryRun | null>(null);
  const [busy, setBusy] = useState<'preview' | 'start' | null>(null);
  const [error, setError] = useState<{ title: string; error: unknown } | null>(null);

  const preview = async (o: RollbackOptions) => {
    setBusy('preview');
    setError(null);
    try {
      setPlan(await rollbackDryRun(api, migrationId, o));
    } catch (err) {
      setPlan(null);
      setError({ title: 'The rollback could not be previewed', error: err });
    } finally {
      setBusy(null);
    }
  };
  const change = (next: Partial<RollbackOptions>) => {
    const o = { ...options, ...next };
    setOptions(o);
    // The preview stands for its options: a shown preview is made again with the new ones.
    if (plan !== null) preview(o);
  };
  const start = async (shown: DryRun) => {
    const deletes = Object.values(shown.summary).reduce((n, s) => n + (s.delete ?? 0), 0);
    const restores = Object.values(shown.summary).reduce((n, s) => n + (s.restore ?? 0), 0);
    const yes = await host.confirm({
      title: 'Roll back the migration?',
      description: `${formatCount(deletes)} records are deleted from Pipedrive and ${formatCount(restores)} restored to their values before the migration.${shown.removeFields ? fieldsText(shown.summary.field ?? {}) : ''}`,
      okText: 'Roll back',
      tone: 'negative',
    });
    if (!yes) return;
    setBusy('start');
    setError(null);
    try {
      await startRollback(api, migrationId, shown.token, options);
      await host.notify('The rollback started.');
      setPlan(null);
      await onStarted();
    } catch (err) {
      if (isApiError(err) && err.code === 'plan_changed') setPlan(null);
      setError({ title: 'The rollback could not start', error: err });
    } finally {
      setBusy(null);
    }
  };
  // The preview on screen matches the options chosen (a new one is on its way otherwise).
  const shown = plan !== null && plan.force === options.force && plan.removeFields === options.removeFields;
  return (
    <section className="card" aria-labelledby="rollback-preview">
      <h2 id="rollback-preview" className="card__title">
        Preview the rollback
      </h2>
      <p>
        Nothing is changed by the preview. Records the migration created are deleted; records it merged into
        get their values from before back. Anything someone changed in Pipedrive since is kept, unless you
        force it.
      </p>
      <RadioGroup
        legend="Records someone changed in Pipedrive since the migration wrote them"
        name="force"
        value={options.force ? 'force' : 'keep'}
        options={FORCE_CHOICES}
        disabled={busy !== null}
        onChange={(v) => change({ force: v === 'force' })}
      />
      <CheckboxField
        label="Also remove the custom fields the migration created (only those no record holds a value in)"
        checked={options.removeFields}
        disabled={busy !== null}
        onChange={(e) => change({ removeFields: e.currentTarget.checked })}
      />
      <div className="actions">
        <Button busy={busy === 'preview'} disabled={busy !== null} onClick={() => preview(options)}>
          Preview the rollback
        </Button>
      </div>
      {error !== null && <ErrorState title={error.title} error={error.error} />}
      {plan !== null && shown && (
        <>
          <SummaryTable label="What the rollback would do" summary={plan.summary} />
          <Conflicts items={plan.items} />
          <div className="actions">
            <Button
              variant="negative"
              busy={busy === 'start'}
              disabled={busy !== null}
              onClick={() => start(plan)}
            >
              Roll back
            </Button>
          </div>
        </>
      )}
    </section>
  );
}

const fieldWord = (n: number) => `${formatCount(n)} custom field${n === 1 ? '' : 's'}`;

/** What the rollback does with the custom fields the migration created, for the confirmation. */
function fieldsText(field: Record<string, number>): string {
  const removed = field.remove_field ?? 0;
  const kept = field.keep_field ?? 0;
  const keptText = kept > 0 ? `; ${fieldWord(kept)} kept, records still hold values in them` : '';
  return ` ${fieldWord(removed)} ${removed === 1 ? 'is' : 'are'} removed${keptText}.`;
}

const SHOWN = 100;

/** Kept records and fields, and those a forced rollback deletes although they changed since. */
export function isConflict(i: PlanLine): boolean {
  return (
    i.action === 'keep' ||
    i.action === 'keep_field' ||
    i.reason === 'forced' ||
    i.reason === 'restore_partial'
  );
}

const ENTITY_ONE: Record<string, string> = {
  organization: 'Organization',
  person: 'Person',
  note: 'Note',
  file: 'File',
  activity: 'Activity',
  field: 'Custom field',
};

function outcome(i: PlanLine): string {
  if (i.reason === 'restore_partial') return 'Partly restored';
  if (i.reason === 'forced') return i.action === 'restore' ? 'Restored anyway' : 'Deleted anyway';
  return `Kept: ${reasonText(i.reason)}`;
}

function changes(i: PlanLine): string {
  const conflicts = i.detail.conflicts ?? [];
  if (conflicts.length > 0)
    return conflicts
      .map((c) => `${c.key}: we wrote ${valueText(c.wrote)}, now ${valueText(c.now)}`)
      .join('; ');
  const others = i.detail.migrationIds ?? [];
  if (others.length > 0) return `Mapped by migration ${others.map((m) => `#${m}`).join(', ')}`;
  if (i.detail.holders !== undefined) return `${formatCount(i.detail.holders)} records hold a value`;
  return '—';
}

export function Conflicts({
  items,
  title = 'Changed since, and what happens to them',
}: {
  items: PlanLine[];
  title?: string;
}) {
  const conflicts = items.filter(isConflict);
  if (conflicts.length === 0) return null;
  return (
    <>
      <h3 className="card__subtitle">
        {title} ({formatCount(conflicts.length)})
      </h3>
      <DataTable label="Conflicts" columns={['Record', 'Kind', 'What changed in Pipedrive', 'Outcome']}>
        {conflicts.slice(0, SHOWN).map((i) => (
          <tr key={`${i.entity}:${i.recordId ?? i.fieldCode}`}>
            <th scope="row">
              {i.detail.label ?? i.detail.fieldName ?? i.detail.actimoKey ?? i.pipedriveId ?? i.fieldCode}
            </th>
            <td>{ENTITY_ONE[i.entity] ?? i.entity}</td>
            <td>{changes(i)}</td>
            <td>{outcome(i)}</td>
          </tr>
        ))}
      </DataTable>
      {conflicts.length > SHOWN && <p>and {formatCount(conflicts.length - SHOWN)} more.</p>}
    </>
  );
}
