// Troubleshooting: how the panel talks to its host and its server, with a button to try each of the
// host's services. Support asks admins to open this page when something does not work.
import { useState } from 'react';
import { useApi } from '../api/ApiProvider.tsx';
import { fetchSession, useSession } from '../api/session.ts';
import { Button } from '../components/Button.tsx';
import { ErrorState } from '../components/states.tsx';
import { useHostState } from '../sdk/PanelHostProvider.tsx';

export function DiagnosticsScreen() {
  const { host, theme } = useHostState();
  const session = useSession();
  const api = useApi();
  const [checking, setChecking] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const inPipedrive = host.kind === 'pipedrive';

  const checkConnection = async () => {
    setChecking(true);
    setFailure(null);
    try {
      const now = await fetchSession(api);
      await host.notify(`Connected to the server as user ${now.userId} of company ${now.companyId}.`);
    } catch (err) {
      setFailure(err);
    } finally {
      setChecking(false);
    }
  };

  const tryConfirmation = async () => {
    try {
      const confirmed = await host.confirm({
        title: 'Test confirmation',
        description: 'Nothing happens whichever you choose.',
        okText: 'Confirm',
        cancelText: 'Cancel',
        tone: 'primary',
      });
      setAnswer(confirmed ? 'You chose Confirm.' : 'You chose Cancel.');
    } catch (err) {
      setFailure(err);
    }
  };

  const tryNotification = () =>
    host.notify('This is a test notification from the Actimo migration panel.').catch(setFailure);

  return (
    <div className="screen">
      <h1 className="screen__title">Diagnostics</h1>
      <p className="screen__lead">How this panel talks to Pipedrive and to its server.</p>
      <section className="card" aria-labelledby="host-heading">
        <h2 id="host-heading" className="card__title">
          Connection
        </h2>
        <dl className="facts">
          <dt>Opened</dt>
          <dd>{inPipedrive ? 'Inside Pipedrive' : 'Outside Pipedrive (standalone)'}</dd>
          <dt>Theme</dt>
          <dd>{theme === 'dark' ? 'Dark' : 'Light'}</dd>
          <dt>Requests are signed</dt>
          <dd>
            {inPipedrive ? 'Yes, with a token from Pipedrive' : 'No (no Pipedrive token outside Pipedrive)'}
          </dd>
          <dt>Company and user</dt>
          <dd>
            {session.companyId} / {session.userId}
          </dd>
        </dl>
        <div className="actions">
          <Button variant="primary" busy={checking} onClick={checkConnection}>
            Check the connection
          </Button>
          <Button onClick={tryNotification}>Show a test notification</Button>
          <Button onClick={tryConfirmation}>Test a confirmation</Button>
        </div>
        <p className="actions__result" role="status">
          {answer}
        </p>
      </section>
      {failure !== null && <ErrorState title="The check failed" error={failure} onRetry={checkConnection} />}
    </div>
  );
}
