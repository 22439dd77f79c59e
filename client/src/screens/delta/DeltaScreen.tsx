// Step 8b, delta: after go-live, the webhook health (subscriptions, last event, human changes recorded,
// the sweep), and a newer Actimo export: upload it, see what changed (created, updated field by field,
// held back because someone changed it in Pipedrive, gone), choose the policy and apply it as a run.
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import {
  applyDelta,
  checkWebhooks,
  DELTA_POLICIES,
  type DeltaPolicy,
  type DeltaPreview,
  type EntityDelta,
  fetchWebhookEvents,
  fetchWebhookHealth,
  previewDelta,
  sweepNow,
  type WebhookHealth,
} from '../../api/delta.ts';
import { uploadExports } from '../../api/migrations.ts';
import type { UploadProgress } from '../../api/upload.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Badge, type BadgeTone } from '../../components/Badge.tsx';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { FileDropzone } from '../../components/FileDropzone.tsx';
import { CheckboxField, SelectField } from '../../components/fields.tsx';
import { formatBytes, formatCount, formatDateTime } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { useMigration } from '../migration-context.ts';
import { type CancelWords, RunBanners, RunControls, RunWritesBar } from '../run/RunControls.tsx';
import { STATUS_WORDS } from '../run/RunScreen.tsx';
import { isActive, useRunState } from '../run/useRunState.ts';
import { StepSection } from '../StepSection.tsx';
import { valueText } from '../sample/SampleScreen.tsx';

const POLICY_WORDS: Record<DeltaPolicy, string> = {
  keep_pipedrive: 'Keep what people changed in Pipedrive',
  overwrite: 'Overwrite with the newer export',
};

export function DeltaScreen() {
  const { migration, refresh: refreshMigration } = useMigration();
  const id = migration.id;
  const health = useApiQuery(`delta-health:${id}`, (api, signal) => fetchWebhookHealth(api, id, signal));
  return (
    <StepSection step="delta">
      {health.status === 'loading' && <LoadingState label="Loading the webhook health…" />}
      {health.status === 'error' && (
        <ErrorState
          title="The webhook health could not be loaded"
          error={health.error}
          onRetry={health.reload}
        />
      )}
      {health.status === 'success' &&
        (health.data.live ? (
          <>
            <Health migrationId={id} health={health.data} onChanged={health.refresh} />
            <NewerExport migrationId={id} onUploaded={refreshMigration} />
          </>
        ) : (
          <EmptyState title="The migration is not live yet">
            Changes are followed once the full run has completed: then webhooks report what people change in
            Pipedrive, and a newer Actimo export can be applied here.
          </EmptyState>
        ))}
    </StepSection>
  );
}

function when(iso: string | null): string {
  return iso ? formatDateTime(iso) : 'never';
}

function Health({
  migrationId,
  health,
  onChanged,
}: {
  migrationId: number;
  health: WebhookHealth;
  onChanged: () => Promise<void>;
}) {
  const api = useApi();
  const host = usePanelHost();
  const [busy, setBusy] = useState<'check' | 'sweep' | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Bumped after a check or a sweep: the events are loaded again with the health.
  const [version, setVersion] = useState(0);
  const act = async (what: 'check' | 'sweep') => {
    setBusy(what);
    setError(null);
    try {
      await (what === 'check' ? checkWebhooks(api, migrationId) : sweepNow(api, migrationId));
      await host.notify(what === 'check' ? 'Webhooks checked.' : 'Sweep done.');
      await onChanged();
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const edits = Object.entries(health.changes)
    .filter(([k]) => k.startsWith('edit:'))
    .reduce((n, [, v]) => n + v, 0);
  const deletions = Object.entries(health.changes)
    .filter(([k]) => k.startsWith('delete:'))
    .reduce((n, [, v]) => n + v, 0);
  const events = Object.values(health.events).reduce((a, b) => a + b, 0);
  return (
    <section className="card" aria-labelledby="delta-health">
      <h2 id="delta-health" className="card__title">
        Webhook health{' '}
        {health.subscriptions.length > 0 ? (
          <Badge tone="success">{`${health.subscriptions.length} webhooks`}</Badge>
        ) : (
          <Badge tone="danger">No webhooks</Badge>
        )}
      </h2>
      <dl className="facts" aria-label="Webhook health">
        <dt>Live since</dt>
        <dd>{when(health.liveAt)}</dd>
        <dt>Delta window</dt>
        <dd>
          {health.deltaWindow.open
            ? `open until ${when(health.deltaWindow.endsAt)}`
            : `closed (${health.deltaWindow.hours} hours after go-live)`}
        </dd>
        <dt>Last event</dt>
        <dd>{when(health.lastEventAt)}</dd>
        <dt>Events received</dt>
        <dd>{formatCount(events)}</dd>
        <dt>Failed events</dt>
        <dd>{formatCount(health.events.failed ?? 0)}</dd>
        <dt>Changes made in Pipedrive</dt>
        <dd>
          {formatCount(edits)} edits, {formatCount(deletions)} deletions
        </dd>
        <dt>Last sweep</dt>
        <dd>{when(health.sweep.sweptAt)}</dd>
      </dl>
      {health.subscriptions.length > 0 && (
        <ul className="plan-reasons" aria-label="Webhooks">
          {health.subscriptions.map((s) => (
            <li key={s.pipedriveWebhookId}>
              <code>{s.event}</code> checked {when(s.checkedAt)}
            </li>
          ))}
        </ul>
      )}
      <RecentEvents migrationId={migrationId} version={version} />
      {error !== null && <ErrorState title="That did not work" error={error} />}
      <div className="actions">
        <Button busy={busy === 'check'} disabled={busy !== null} onClick={() => act('check')}>
          Check the webhooks now
        </Button>
        <Button busy={busy === 'sweep'} disabled={busy !== null} onClick={() => act('sweep')}>
          Sweep for changes now
        </Button>
      </div>
    </section>
  );
}

const EVENT_STATUS: Record<string, { text: string; tone: BadgeTone }> = {
  pending: { text: 'Waiting', tone: 'info' },
  processing: { text: 'Being applied', tone: 'info' },
  applied: { text: 'Applied', tone: 'success' },
  ignored: { text: 'Ignored', tone: 'neutral' },
  failed: { text: 'Failed', tone: 'danger' },
};

/** The latest events Pipedrive sent us (or only the failed ones), newest first. */
function RecentEvents({ migrationId, version }: { migrationId: number; version: number }) {
  const [failedOnly, setFailedOnly] = useState(false);
  const events = useApiQuery(`delta-events:${migrationId}:${failedOnly}:${version}`, (api, signal) =>
    fetchWebhookEvents(api, migrationId, failedOnly, signal),
  );
  return (
    <>
      <h3 className="card__subtitle">Latest events</h3>
      <CheckboxField
        label="Only the failed events"
        checked={failedOnly}
        onChange={(e) => setFailedOnly(e.currentTarget.checked)}
      />
      {events.status === 'loading' && <LoadingState label="Loading the events…" />}
      {events.status === 'error' && (
        <ErrorState title="The events could not be loaded" error={events.error} onRetry={events.reload} />
      )}
      {events.status === 'success' &&
        (events.data.events.length === 0 ? (
          <p>{failedOnly ? 'No event failed.' : 'No event received yet.'}</p>
        ) : (
          <DataTable label="Latest events" columns={['Received', 'Event', 'Status', 'Tries', 'Error']}>
            {events.data.events.map((e) => {
              const status = EVENT_STATUS[e.status] ?? { text: e.status, tone: 'neutral' as const };
              return (
                <tr key={e.id}>
                  <td>{formatDateTime(e.receivedAt)}</td>
                  <th scope="row">
                    <code>{`${e.action}.${e.entity}`}</code> {e.entityId}
                  </th>
                  <td>
                    <Badge tone={status.tone}>{status.text}</Badge>
                  </td>
                  <td>{formatCount(e.tries)}</td>
                  <td>{e.error ?? '—'}</td>
                </tr>
              );
            })}
          </DataTable>
        ))}
    </>
  );
}

type Stage =
  | { kind: 'idle' }
  | { kind: 'uploading'; progress: UploadProgress | null }
  | { kind: 'previewing' }
  | { kind: 'preview'; preview: DeltaPreview }
  | { kind: 'error'; title: string; error: unknown };

const CANCEL_DELTA: CancelWords = {
  title: 'Stop applying the changes?',
  description: 'It stops after its current batch; what it wrote so far stays in Pipedrive.',
  okText: 'Stop applying',
  cancelText: 'Keep going',
};

function NewerExport({ migrationId, onUploaded }: { migrationId: number; onUploaded: () => Promise<void> }) {
  const api = useApi();
  const host = usePanelHost();
  const live = useRunState(migrationId, 'delta');
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [policy, setPolicy] = useState<DeltaPolicy>('keep_pipedrive');
  const [applying, setApplying] = useState(false);

  const preview = async (p: DeltaPolicy) => {
    setStage({ kind: 'previewing' });
    try {
      setStage({ kind: 'preview', preview: await previewDelta(api, migrationId, p) });
    } catch (error) {
      setStage({ kind: 'error', title: 'The changes could not be worked out', error });
    }
  };
  const upload = async (files: File[]) => {
    setStage({ kind: 'uploading', progress: null });
    try {
      await uploadExports(api, migrationId, files, {
        onProgress: (progress) => setStage({ kind: 'uploading', progress }),
      });
    } catch (error) {
      setStage({ kind: 'error', title: 'The export could not be uploaded', error });
      return;
    }
    onUploaded().catch(() => {});
    await preview(policy);
  };
  const apply = async (shown: DeltaPreview) => {
    const yes = await host.confirm({
      title: 'Apply the changes to Pipedrive?',
      description: `${shown.counts.created} records are created and ${shown.counts.updated} updated in your Pipedrive.`,
      okText: 'Apply the changes',
      tone: 'primary',
    });
    if (!yes) return;
    setApplying(true);
    try {
      await applyDelta(api, migrationId, shown.policy);
      await host.notify('The changes are being applied.');
      setStage({ kind: 'idle' });
      await live.refresh();
    } catch (error) {
      setStage({ kind: 'error', title: 'The changes could not be applied', error });
    } finally {
      setApplying(false);
    }
  };
  const run = live.run;
  const running = run !== null && isActive(run);
  const busy = stage.kind === 'uploading' || stage.kind === 'previewing' || running;

  return (
    <section className="card" aria-labelledby="delta-export">
      <h2 id="delta-export" className="card__title">
        A newer Actimo export
      </h2>
      {run !== null && running && (
        <section aria-label="The delta run">
          <p>
            Delta run {run.id}:{' '}
            <Badge tone={STATUS_WORDS[run.status].tone}>{STATUS_WORDS[run.status].text}</Badge>
          </p>
          <RunBanners run={run} reconnecting={live.reconnecting} />
          <RunWritesBar label="Changes written" run={run} />
          <RunControls migrationId={migrationId} run={run} cancel={CANCEL_DELTA} onChanged={live.refresh} />
        </section>
      )}
      {run !== null && !running && (
        <p>
          Last delta run {run.id}:{' '}
          <Badge tone={STATUS_WORDS[run.status].tone}>{STATUS_WORDS[run.status].text}</Badge>{' '}
          {formatCount(run.writes)} writes.
          {run.status === 'failed' && ` ${run.errorMessage ?? 'An error stopped it.'}`}
        </p>
      )}
      <FileDropzone
        label="Newer Actimo exports"
        hint="The same kinds of files as the first upload (or one zip). Nothing is written until you apply."
        disabled={busy}
        onFiles={upload}
      />
      <div className="actions">
        <SelectField
          label="When someone changed a field in Pipedrive"
          value={policy}
          options={DELTA_POLICIES.map((p) => ({ value: p, label: POLICY_WORDS[p] }))}
          onChange={(e) => {
            const p = e.currentTarget.value as DeltaPolicy;
            setPolicy(p);
            if (stage.kind === 'preview') preview(p);
          }}
        />
        <Button disabled={busy} onClick={() => preview(policy)}>
          Show the changes
        </Button>
      </div>
      {stage.kind === 'uploading' && (
        <ProgressBar
          label="Uploading"
          value={stage.progress?.loaded ?? 0}
          max={stage.progress?.total ?? null}
          format={formatBytes}
          unit="bytes"
        />
      )}
      {stage.kind === 'previewing' && <LoadingState label="Comparing with what is in Pipedrive…" />}
      {stage.kind === 'error' && <ErrorState title={stage.title} error={stage.error} />}
      {stage.kind === 'preview' && (
        <PreviewView preview={stage.preview} applying={applying} disabled={running} onApply={apply} />
      )}
    </section>
  );
}

function PreviewView({
  preview,
  applying,
  disabled,
  onApply,
}: {
  preview: DeltaPreview;
  applying: boolean;
  disabled: boolean;
  onApply: (p: DeltaPreview) => void;
}) {
  const c = preview.counts;
  const nothing = c.created + c.updated + c.gone + c.deletedInPipedrive === 0;
  return (
    <section aria-label="Changes">
      <p>Compared: {preview.newerFiles.map((f) => f.name).join(', ') || 'the latest upload'}.</p>
      <dl className="facts" aria-label="Changes in numbers">
        <dt>Created</dt>
        <dd>{formatCount(c.created)}</dd>
        <dt>Updated</dt>
        <dd>{formatCount(c.updated)}</dd>
        <dt>Held back</dt>
        <dd>{formatCount(c.heldBack)} fields someone changed in Pipedrive</dd>
        <dt>Gone from the export</dt>
        <dd>{formatCount(c.gone)} (flagged, never deleted)</dd>
        <dt>Deleted in Pipedrive</dt>
        <dd>{formatCount(c.deletedInPipedrive)}</dd>
      </dl>
      <EntityChanges title="People" delta={preview.persons} />
      <EntityChanges title="Organizations" delta={preview.organizations} />
      {nothing ? (
        <Banner title="Nothing changed">The newer export holds what is already in Pipedrive.</Banner>
      ) : (
        <div className="actions">
          <Button variant="primary" busy={applying} disabled={disabled} onClick={() => onApply(preview)}>
            Apply the changes
          </Button>
        </div>
      )}
    </section>
  );
}

interface ChangeRow {
  key: string;
  change: string;
  record: string;
  field: string;
  before: string;
  after: string;
  note: string;
}

/** A change to a whole record: no field, nothing before or after. */
const recordRow = (key: string, change: string, record: string, note: string): ChangeRow => ({
  key,
  change,
  record,
  field: '—',
  before: '—',
  after: '—',
  note,
});

function changeRows(delta: EntityDelta): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const r of delta.created)
    rows.push(
      recordRow(`c:${r.actimoId}`, 'New', r.label ? `${r.label} (${r.actimoId})` : r.actimoId, 'Created'),
    );
  for (const r of delta.updated) {
    const fields = [
      ...r.fields.map((f) => ({ f, held: false })),
      ...r.heldBack.map((f) => ({ f, held: true })),
    ];
    for (const { f, held } of fields)
      rows.push({
        key: `u:${r.actimoId}:${f.key}:${held}`,
        change: 'Updated',
        record: r.actimoId,
        field: f.target ?? f.key,
        before: valueText(f.from),
        after: valueText(f.to),
        note: held ? 'Held back: changed in Pipedrive since' : 'Updated',
      });
  }
  for (const r of delta.gone)
    rows.push(
      recordRow(`g:${r.actimoId}`, 'Removed', r.actimoId, 'Gone from the export: flagged, never deleted'),
    );
  for (const r of delta.deletedInPipedrive)
    rows.push(
      recordRow(
        `d:${r.actimoId}`,
        'Deleted in Pipedrive',
        r.actimoId,
        'Someone deleted it in Pipedrive: not written again',
      ),
    );
  return rows;
}

const SHOWN = 200;

function EntityChanges({ title, delta }: { title: string; delta: EntityDelta }) {
  const rows = changeRows(delta);
  if (rows.length === 0) return null;
  return (
    <>
      <h3 className="card__subtitle">{title}</h3>
      <DataTable
        label={`${title} that change`}
        columns={['Change', 'Record', 'Field', 'Before', 'After', 'What happens']}
      >
        {rows.slice(0, SHOWN).map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.change}</th>
            <td>{r.record}</td>
            <td>{r.field}</td>
            <td>{r.before}</td>
            <td>{r.after}</td>
            <td>{r.note}</td>
          </tr>
        ))}
      </DataTable>
      {rows.length > SHOWN && <p>and {formatCount(rows.length - SHOWN)} more changes.</p>}
    </>
  );
}
