// The end of the step: confirm the map (refused while anything blocks it, with the reasons), then create
// the custom fields in Pipedrive (what will be created, adopted or kept first; then what was), then on to
// the plan.
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import {
  blockedReportOf,
  confirmMap,
  fetchProvisioning,
  type MapView,
  type ProvisioningReport,
  provisionFields,
  type RecordedField,
} from '../../api/map.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import type { MapEditor } from './useMapEditor.ts';

const ACTION_WORDS: Record<string, string> = {
  create: 'will be created',
  adopt: 'will use the field the account already has',
  keep: 'already created, kept',
  add_options: 'exists; missing options will be added',
  clash: 'clashes with a field of the account',
};

export function ConfirmPanel({
  migrationId,
  view,
  editor,
}: {
  migrationId: number;
  view: MapView;
  editor: MapEditor;
}) {
  const confirmed = view.status === 'confirmed';
  return (
    <section className="card map-confirm" aria-labelledby="map-confirm-title">
      <h2 id="map-confirm-title" className="card__title">
        {confirmed ? 'Custom fields in Pipedrive' : 'Confirm the map'}
      </h2>
      {confirmed ? (
        <Provisioning key={view.version} migrationId={migrationId} view={view} editor={editor} />
      ) : (
        <Confirm migrationId={migrationId} view={view} editor={editor} />
      )}
    </section>
  );
}

function Confirm({ migrationId, view, editor }: { migrationId: number; view: MapView; editor: MapEditor }) {
  const blocked = view.blockers.length;
  return (
    <>
      <p>
        Nothing moves to Pipedrive until you confirm. After confirming, the custom fields the map needs are
        created; any later change makes a new draft to confirm again.
      </p>
      <div className="actions">
        <Button
          variant="primary"
          busy={editor.busy}
          disabled={!view.canConfirm}
          aria-describedby={blocked > 0 ? 'confirm-blocked' : undefined}
          onClick={() =>
            editor.change(
              (api, version) => confirmMap(api, migrationId, version),
              `Field map version ${view.version} confirmed.`,
            )
          }
        >
          Confirm the map
        </Button>
      </div>
      {blocked > 0 && (
        <div id="confirm-blocked" className="field__hint">
          Confirming is possible once nothing blocks it:
          <ul>
            {view.blockers.map((b) => (
              <li key={`${b.code}:${b.message}`}>{b.message}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

type Outcome = { report: ProvisioningReport } | { error: unknown } | null;

function Provisioning({
  migrationId,
  view,
  editor,
}: {
  migrationId: number;
  view: MapView;
  editor: MapEditor;
}) {
  const api = useApi();
  const host = usePanelHost();
  const plan = useApiQuery(`provisioning:${migrationId}:${view.version}`, (a, signal) =>
    fetchProvisioning(a, migrationId, signal),
  );
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const done = outcome && 'report' in outcome ? outcome.report : null;
  const refused = outcome && 'error' in outcome ? outcome.error : null;
  const blockedReport = refused ? blockedReportOf(refused) : null;
  const provisioned = view.provisionedAt !== null || done !== null;

  const provision = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const report = await provisionFields(api, migrationId);
      setOutcome({ report });
      const r = report.result;
      await host.notify(
        r
          ? `Custom fields ready: ${r.created.length} created, ${r.adopted.length} adopted, ${r.kept.length} kept.`
          : 'Custom fields ready.',
      );
      await editor.reload().catch(() => {});
    } catch (error) {
      setOutcome({ error });
    } finally {
      setBusy(false);
    }
  };

  const shown = done ?? blockedReport ?? plan.data;
  return (
    <>
      <p>
        Map version {view.version} is confirmed.{' '}
        {provisioned
          ? 'Its custom fields exist in Pipedrive; running this again changes nothing that is already there.'
          : 'Create the custom fields it needs in Pipedrive before any record moves.'}
      </p>
      {plan.status === 'loading' && !shown && <LoadingState label="Checking your Pipedrive fields…" />}
      {plan.status === 'error' && !shown && (
        <ErrorState
          title="Your Pipedrive fields could not be checked"
          error={plan.error}
          onRetry={plan.reload}
        />
      )}
      {shown && !done && <PlanList report={shown} />}
      {refused !== null &&
        (blockedReport ? (
          <Banner tone="danger" title="Nothing was created">
            {blockedReport.plan.blockers.join('; ')}
          </Banner>
        ) : (
          <ErrorState title="The custom fields could not be created" error={refused} />
        ))}
      {done && <ResultList report={done} />}
      <div className="actions">
        <Button variant={provisioned ? 'secondary' : 'primary'} busy={busy} onClick={provision}>
          {provisioned ? 'Check the custom fields again' : 'Create the custom fields'}
        </Button>
        {provisioned && (
          <LinkButton variant="primary" to={paths.step(String(migrationId), 'plan')}>
            Continue to plan
          </LinkButton>
        )}
      </div>
    </>
  );
}

function PlanList({ report }: { report: ProvisioningReport }) {
  return (
    <>
      {report.plan.blocked && (
        <Banner tone="danger" title="Provisioning is blocked">
          {report.plan.blockers.join('; ')}
        </Banner>
      )}
      <ul className="plain-list map-fields" aria-label="Custom fields the map needs">
        {report.plan.fields.map((f) => (
          <li key={`${f.entity}:${f.name}`}>
            <strong>{f.name}</strong> ({f.entity}, {f.type}) for {f.targetLabel}:{' '}
            {ACTION_WORDS[f.action] ?? f.action}
          </li>
        ))}
      </ul>
      {report.warnings.map((w) => (
        <p key={w} className="field__hint">
          {w}
        </p>
      ))}
    </>
  );
}

function FieldGroup({ title, fields }: { title: string; fields: RecordedField[] }) {
  return (
    <div className="map-result__group">
      <h3 className="map-file__title">
        {title}: {fields.length}
      </h3>
      {fields.length > 0 && (
        <ul className="plain-list" aria-label={title}>
          {fields.map((f) => (
            <li key={`${f.entity}:${f.code}`}>
              {f.name} ({f.entity}, {f.type}) <code>{f.code}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ResultList({ report }: { report: ProvisioningReport }) {
  const r = report.result;
  if (!r) return null;
  return (
    <section className="map-result" aria-label="Provisioning report">
      <FieldGroup title="Created" fields={r.created} />
      <FieldGroup title="Adopted" fields={r.adopted} />
      <FieldGroup title="Kept" fields={r.kept} />
      {r.optionsAdded.map((o) => (
        <p key={o.field}>
          Options added to {o.field}: {o.labels.join(', ')}
        </p>
      ))}
      {report.warnings.map((w) => (
        <p key={w} className="field__hint">
          {w}
        </p>
      ))}
    </section>
  );
}
