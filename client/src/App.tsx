import { useEffect, useState } from 'react';

interface Session {
  companyId: number;
  mode: 'local' | 'marketplace';
  pipedriveTarget: 'sandbox' | 'pipedrive';
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch('/api/session')
      .then(async (r) => {
        if (!r.ok) throw new Error(`the server answered ${r.status}`);
        setSession((await r.json()) as Session);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  return (
    <main className="page">
      <h1>Actimo → Pipedrive</h1>
      <p>Move your Actimo employees, companies, metrics, files and call logs into Pipedrive.</p>
      {error && <p role="alert">Cannot reach the server: {error}</p>}
      {session && (
        <p className="target" data-testid="target">
          {session.pipedriveTarget === 'sandbox'
            ? 'Writing to the local Pipedrive sandbox, not to Pipedrive.'
            : 'Writing to Pipedrive.'}
        </p>
      )}
    </main>
  );
}
