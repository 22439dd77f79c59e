import { isRouteErrorResponse, useRouteError } from 'react-router';
import { ErrorState } from '../components/states.tsx';

/** Shown instead of a screen that crashed while rendering, so the panel never goes blank. */
export function RouteError() {
  const error = useRouteError();
  const shown = isRouteErrorResponse(error) ? new Error(`${error.status} ${error.statusText}`) : error;
  return (
    <div className="screen">
      <ErrorState title="This screen failed to show" error={shown} onRetry={() => window.location.reload()} />
    </div>
  );
}
