import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { usePanelHost } from '../sdk/PanelHostProvider.tsx';
import { ApiClient } from './client.ts';

const ApiContext = createContext<ApiClient | null>(null);

/** Gives screens an API client that signs its calls with the host's token (when there is one). */
export function ApiProvider({ client, children }: { client?: ApiClient; children: ReactNode }) {
  const host = usePanelHost();
  const value = useMemo(
    () =>
      client ??
      new ApiClient({
        tokens: { get: () => host.getSignedToken(), invalidate: () => host.invalidateSignedToken() },
      }),
    [client, host],
  );
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiProvider>');
  return api;
}
