// Home: who the panel is connected as, where writes go, and (once the server lists them) migrations.
import { useSession } from '../api/session.ts';
import { EmptyState } from '../components/states.tsx';

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
      <section aria-labelledby="migrations-heading">
        <h2 id="migrations-heading" className="section__title">
          Your migrations
        </h2>
        <EmptyState title="No migrations to show">
          This server version cannot list or start migrations yet; they appear here once it can.
        </EmptyState>
      </section>
    </div>
  );
}
