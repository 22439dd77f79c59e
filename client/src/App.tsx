import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiProvider } from './api/ApiProvider.tsx';
import type { ApiClient } from './api/client.ts';
import type { Launch } from './launch.ts';
import { routes } from './routes.tsx';
import { PanelHostProvider } from './sdk/PanelHostProvider.tsx';

type Router = ReturnType<typeof createBrowserRouter>;

export interface AppProps {
  launch: Launch;
  router: Router;
  /** The window answering the SDK (tests pass a fake Pipedrive). */
  targetWindow?: Window;
  api?: ApiClient;
}

export function App({ launch, router, targetWindow, api }: AppProps) {
  return (
    <PanelHostProvider launch={launch} {...(targetWindow ? { targetWindow } : {})}>
      <ApiProvider {...(api ? { client: api } : {})}>
        <RouterProvider router={router} />
      </ApiProvider>
    </PanelHostProvider>
  );
}

export function createPanelRouter(): Router {
  return createBrowserRouter(routes);
}
