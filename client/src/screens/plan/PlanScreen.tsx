// Step 4, the plan: per kind of record what will be created, merged into an existing Pipedrive record or
// skipped (and why), and what it costs against the daily API budget; then a sample run.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/ApiProvider.tsx';
import { ENGINE_ENTITIES, entityPlan, makePlan, type Plan, startSample } from '../../api/engine.ts';
import { isApiError } from '../../api/errors.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { TextField } from '../../components/fields.tsx';
import { formatCount, formatRemaining } from '../../components/format.ts';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import { useMigration } from '../migration-context.ts';
import { StepSection } from '../StepSection.tsx';
import { ENTITY_LABELS, POLICY_LABELS, reasonText } from './plan-words.ts';

export const DEFAULT_SAMPLE_SIZE = 300;

export function PlanScreen() {
  const { migration } = useMigration();
  const id = migration.id;
  const plan = useApiQuery(`plan:${id}`, (api, signal) => makePlan(api, id, signal));
  return (
    <StepSection step="plan">
      {plan.status === 'loading' && (
        <LoadingState label="Making the plan: looking at what is already in your Pipedrive…" />
      )}
      {plan.status === 'error' &&
        (isApiError(plan.error) && plan.error.code === 'run_in_progress' ? (
          <EmptyState
            title="A run is in progress"
            action={<LinkButton to={paths.step(String(id), 'run')}>Follow the run</LinkButton>}
          >
            {plan.error.message}
          </EmptyState>
        ) : (
          <ErrorState title="The plan could not be made" error={plan.error} onRetry={plan.reload} />
        ))}
      {plan.status === 'success' && <PlanView migrationId={id} plan={plan.data} onReplan={plan.reload} />}
    </StepSection>
  );
}

function PlanView({
  migrationId,
  plan,
  onReplan,
}: {
  migrationId: number;
  plan: Plan;
  onReplan: () => void;
}) {
  const moving = ENGINE_ENTITIES.reduce((n, e) => {
    const p = entityPlan(plan, e);
    return n + p.create + p.merge + p.done;
  }, 0);
  // Kinds the export has none of (no calls, no files) are left out of the table.
  const kinds = ENGINE_ENTITIES.filter((e) => e in plan.entities);
  if (moving === 0)
    return (
      <EmptyState
        title="Nothing to migrate"
        action={<LinkButton to={paths.step(String(migrationId), 'upload')}>Go to the upload</LinkButton>}
      >
        No staged record would be created or merged. Upload the Actimo exports, or check why records are
        skipped in the map.
      </EmptyState>
    );
  return (
    <>
      <section className="card" aria-labelledby="plan-records">
        <h2 id="plan-records" className="card__title">
          What happens to each record
        </h2>
        <p>
          Map version {plan.mapVersion}. When a record already exists in Pipedrive, the plan will{' '}
          {POLICY_LABELS[plan.policy] ?? plan.policy}. Your Pipedrive has {formatCount(plan.existing.persons)}{' '}
          people and {formatCount(plan.existing.organizations)} organizations today.
        </p>
        <DataTable
          label="Records per kind"
          columns={['Kind', 'Created', 'Merged', 'Skipped', 'Already moved']}
        >
          {kinds.map((e) => {
            const p = entityPlan(plan, e);
            return (
              <tr key={e}>
                <th scope="row">{ENTITY_LABELS[e]}</th>
                <td>{formatCount(p.create)}</td>
                <td>{formatCount(p.merge)}</td>
                <td>{formatCount(p.skip)}</td>
                <td>{formatCount(p.done)}</td>
              </tr>
            );
          })}
        </DataTable>
        <Reasons plan={plan} />
        <p>
          Owners: {formatCount(plan.owners.matched)} matched to a Pipedrive user by email,{' '}
          {formatCount(plan.owners.defaulted)} given the default owner.
        </p>
      </section>
      <Budget plan={plan} />
      <SampleStart migrationId={migrationId} onReplan={onReplan} />
    </>
  );
}

function Reasons({ plan }: { plan: Plan }) {
  const lines = ENGINE_ENTITIES.flatMap((e) =>
    Object.entries(entityPlan(plan, e).reasons)
      .sort(([, a], [, b]) => b - a)
      .map(([code, n]) => ({ key: `${e}:${code}`, entity: e, code, n })),
  );
  if (lines.length === 0) return null;
  return (
    <>
      <h3 className="card__subtitle">Why</h3>
      <ul aria-label="Reasons" className="plan-reasons">
        {lines.map((l) => (
          <li key={l.key}>
            {ENTITY_LABELS[l.entity]}: {formatCount(l.n)} {reasonText(l.code)} <code>{l.code}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

function Budget({ plan }: { plan: Plan }) {
  const e = plan.estimate;
  const share = e.dailyAllowance > 0 ? Math.round((e.tokens / e.dailyAllowance) * 100) : null;
  const days = Math.max(1, Math.ceil(e.days));
  return (
    <section className="card" aria-labelledby="plan-budget">
      <h2 id="plan-budget" className="card__title">
        Cost against your daily API budget
      </h2>
      <dl className="facts" aria-label="Cost">
        <dt>Requests</dt>
        <dd>{formatCount(e.requests)}</dd>
        <dt>Tokens</dt>
        <dd>
          {formatCount(e.tokens)} of {formatCount(e.dailyAllowance)} a day
          {share !== null ? ` (${share}%)` : ''}
        </dd>
        <dt>Time</dt>
        <dd>
          {e.seconds === 0 ? 'nothing to send' : formatRemaining(e.seconds)} at {formatCount(e.burstLimit)}{' '}
          requests per 2 seconds
        </dd>
        <dt>Days</dt>
        <dd>
          {days === 1
            ? 'fits in one day of budget'
            : `${days} days of budget: the run pauses and goes on by itself`}
        </dd>
      </dl>
      {e.lines.length > 0 && (
        <DataTable label="Requests per operation" columns={['Operation', 'Requests', 'Tokens']}>
          {e.lines.map((l) => (
            <tr key={l.op}>
              <th scope="row">
                <code>{l.op}</code>
              </th>
              <td>{formatCount(l.requests)}</td>
              <td>{formatCount(l.tokens)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function SampleStart({ migrationId, onReplan }: { migrationId: number; onReplan: () => void }) {
  const api = useApi();
  const host = usePanelHost();
  const navigate = useNavigate();
  const [size, setSize] = useState(String(DEFAULT_SAMPLE_SIZE));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const n = Number(size);
  const valid = Number.isInteger(n) && n >= 1 && n <= 100_000;
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const run = await startSample(api, migrationId, n);
      await host.notify(`Sample of ${formatCount(run.sampleSize ?? n)} people started.`);
      navigate(paths.step(String(migrationId), 'sample'));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="plan-sample">
      <h2 id="plan-sample" className="card__title">
        Try a sample first
      </h2>
      <p>
        A sample moves a few people (spread over engagement and training states) with their organizations,
        reads them back and compares every field with the source.
      </p>
      <TextField
        label="People in the sample"
        type="number"
        min={1}
        max={100000}
        value={size}
        error={valid ? null : 'A whole number from 1 to 100,000.'}
        onChange={(e) => setSize(e.target.value)}
      />
      {error !== null && <ErrorState title="The sample could not start" error={error} />}
      <div className="actions">
        <Button variant="primary" busy={busy} disabled={!valid} onClick={start}>
          Run a sample
        </Button>
        <Button onClick={onReplan}>Plan again</Button>
      </div>
      {busy && (
        <Banner title="Starting the sample">The plan is checked once more before anything is sent.</Banner>
      )}
    </section>
  );
}
