// Home: the company's migrations (newest first) with what each holds, and a form to start a new one.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiProvider.tsx';
import { createMigration, listMigrations, type MigrationOverview } from '../api/migrations.ts';
import { useSession } from '../api/session.ts';
import { useApiQuery } from '../api/useApiQuery.ts';
import { Badge } from '../components/Badge.tsx';
import { Button } from '../components/Button.tsx';
import { TextField } from '../components/fields.tsx';
import { formatCount, formatDateTime } from '../components/format.ts';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { paths } from '../paths.ts';
import { usePanelHost } from '../sdk/PanelHostProvider.tsx';
import { countOf, ENTITY_ORDER, MIGRATION_STATUS_WORDS, severityCount } from './staging-words.ts';

const NAME_MAX = 255;

function NewMigration() {
  const api = useApi();
  const host = usePanelHost();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createMigration(api, name);
      await host.notify(`Migration "${created.name}" created.`);
      navigate(paths.step(String(created.id), 'upload'));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form className="card new-migration" aria-labelledby="new-migration-heading" onSubmit={submit}>
      <h2 id="new-migration-heading" className="card__title">
        New migration
      </h2>
      <div className="new-migration__row">
        <TextField
          label="Name"
          hint="For example the Actimo account and the month. Leave it empty to use today's date."
          value={name}
          maxLength={NAME_MAX}
          autoComplete="off"
          error={error}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Button type="submit" variant="primary" busy={busy}>
          Create migration
        </Button>
      </div>
    </form>
  );
}

/** "1,200 people · 15 companies · 340 activities", or that nothing is staged yet. */
function stagedLine(m: MigrationOverview): string {
  const parts = ENTITY_ORDER.filter((e) => e !== 'membership' && (m.stagedCounts[e] ?? 0) > 0).map((e) =>
    countOf(e, m.stagedCounts[e] ?? 0),
  );
  return parts.length > 0 ? parts.join(' · ') : 'Nothing staged yet';
}

function filesLine(m: MigrationOverview): string {
  const { total, failed } = m.fileCounts;
  if (total === 0) return 'No files uploaded';
  const files = `${formatCount(total)} ${total === 1 ? 'file' : 'files'}`;
  return failed > 0 ? `${files}, ${formatCount(failed)} failed` : files;
}

function issuesLine(m: MigrationOverview): string | null {
  const parts = (['error', 'warning', 'info'] as const)
    .filter((s) => m.issueCounts[s] > 0)
    .map((s) => severityCount(s, m.issueCounts[s]));
  return parts.length > 0 ? parts.join(', ') : null;
}

function MigrationItem({ m }: { m: MigrationOverview }) {
  const status = MIGRATION_STATUS_WORDS[m.status] ?? { label: m.status, tone: 'neutral' as const };
  const issues = issuesLine(m);
  const headingId = `migration-${m.id}`;
  return (
    <li className="migration-item" aria-labelledby={headingId}>
      <div className="migration-item__head">
        <h3 id={headingId} className="migration-item__name">
          <Link to={paths.migration(String(m.id))}>{m.name}</Link>
        </h3>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <dl className="facts facts--compact">
        <dt>Created</dt>
        <dd>{formatDateTime(m.createdAt)}</dd>
        <dt>Files</dt>
        <dd>{filesLine(m)}</dd>
        <dt>Staged</dt>
        <dd>{stagedLine(m)}</dd>
        {issues && (
          <>
            <dt>Issues</dt>
            <dd>{issues}</dd>
          </>
        )}
      </dl>
    </li>
  );
}

function MigrationList() {
  const list = useApiQuery('migrations', (api, signal) => listMigrations(api, signal));
  if (list.status === 'loading') return <LoadingState label="Loading your migrations…" />;
  if (list.status === 'error')
    return (
      <ErrorState title="Your migrations could not be loaded" error={list.error} onRetry={list.reload} />
    );
  if (list.data.length === 0) {
    return (
      <EmptyState title="No migrations yet">
        Start one above: give it a name, then upload the exports you downloaded from Actimo.
      </EmptyState>
    );
  }
  return (
    <ul className="migration-list">
      {list.data.map((m) => (
        <MigrationItem key={m.id} m={m} />
      ))}
    </ul>
  );
}

export function MigrationsScreen() {
  const session = useSession();
  const sandbox = session.pipedriveTarget === 'sandbox';
  return (
    <div className="screen">
      <h1 className="screen__title">Migrations</h1>
      <p className="screen__lead">
        Move your Actimo employees, companies, metrics, files and call logs into Pipedrive: upload the
        exports, check the field map, try a sample, run, and keep the report.
      </p>
      <NewMigration />
      <section aria-labelledby="migrations-heading">
        <h2 id="migrations-heading" className="section__title">
          Your migrations
        </h2>
        <MigrationList />
      </section>
      <section className="card" aria-labelledby="session-heading">
        <h2 id="session-heading" className="card__title">
          This panel
        </h2>
        <dl className="facts">
          <dt>Company</dt>
          <dd>{session.companyId}</dd>
          <dt>User</dt>
          <dd>{session.userId}</dd>
          <dt>Mode</dt>
          <dd>
            {session.mode === 'local' ? 'Local (one company on this server)' : 'Pipedrive Marketplace app'}
          </dd>
          <dt>Writes go to</dt>
          <dd data-testid="target">
            {sandbox ? 'The local Pipedrive sandbox, not to Pipedrive' : 'Your Pipedrive company'}
          </dd>
        </dl>
      </section>
    </div>
  );
}
