// The frame around every screen: title, where we are connected, the sandbox banner, navigation.
// The session is loaded here once; screens read it with useSession().
import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { fetchSession, type Session, SessionContext } from '../api/session.ts';
import { useApiQuery } from '../api/useApiQuery.ts';
import { Badge } from '../components/Badge.tsx';
import { Banner } from '../components/Banner.tsx';
import { ErrorState, LoadingState } from '../components/states.tsx';
import { paths } from '../paths.ts';

function TargetBanner({ session }: { session: Session }) {
  if (session.pipedriveTarget === 'sandbox') {
    return (
      <Banner title="Writing to the local Pipedrive sandbox">
        Nothing you run here reaches Pipedrive: this server has no Pipedrive credentials.
      </Banner>
    );
  }
  if (session.mode === 'local') {
    return (
      <Banner title="Writing to Pipedrive with an API token">
        This server runs in local mode and writes to the Pipedrive company its API token belongs to.
      </Banner>
    );
  }
  return null;
}

/**
 * After moving to another screen, focus goes to the main area, so keyboard and screen reader users start
 * at the new content rather than on the link they left (the page itself does not reload).
 */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    main.current?.focus();
  }, [pathname]);
  return main;
}

export function AppShell() {
  const session = useApiQuery('session', (api, signal) => fetchSession(api, signal));
  const main = useFocusOnNavigation();
  return (
    <div className="shell">
      <header className="shell__header">
        <Link to={paths.home} className="shell__brand">
          Actimo → Pipedrive
        </Link>
        {session.status === 'success' && (
          <div className="shell__session">
            <span>Company {session.data.companyId}</span>
            <Badge tone={session.data.mode === 'local' ? 'info' : 'neutral'}>
              {session.data.mode === 'local' ? 'Local mode' : 'Marketplace app'}
            </Badge>
          </div>
        )}
        <nav className="shell__nav" aria-label="Panel">
          <NavLink to={paths.migrations} className="shell__link">
            Migrations
          </NavLink>
          <NavLink to={paths.diagnostics} className="shell__link">
            Diagnostics
          </NavLink>
        </nav>
      </header>
      {session.status === 'success' && <TargetBanner session={session.data} />}
      <main ref={main} className="shell__main" tabIndex={-1}>
        {session.status === 'loading' && <LoadingState label="Loading your session…" />}
        {session.status === 'error' && (
          <ErrorState title="Cannot reach the server" error={session.error} onRetry={session.reload} />
        )}
        {session.status === 'success' && (
          <SessionContext.Provider value={session.data}>
            <Outlet />
          </SessionContext.Provider>
        )}
      </main>
    </div>
  );
}
