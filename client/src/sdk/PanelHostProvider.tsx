// Connects the panel to its host. Inside Pipedrive (an `id` in the iframe URL) it initialises the SDK
// at once (Pipedrive hides a panel that has not initialised within 10 seconds), follows the user's
// theme, keeps the iframe sized to the content and offers Pipedrive's confirmation, snackbar and
// signed token. Outside Pipedrive the same interface is served by in-page fallbacks.
import { Event } from '@pipedrive/app-extensions-sdk';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { ErrorState, LoadingState } from '../components/states.tsx';
import { isInPipedrive, type Launch, type Theme } from '../launch.ts';
import { useStandaloneHost } from './fallbacks/standalone-host.tsx';
import type { HostState, PanelHost } from './host.ts';
import { connectToPipedrive, type PipedriveConnection } from './pipedrive-host.ts';
import { applyTheme, systemTheme, toTheme, watchSystemTheme } from './theme.ts';
import { useReportHeight } from './use-report-height.ts';

const HostContext = createContext<HostState | null>(null);

type Connection =
  | { status: 'connecting' }
  | { status: 'ready'; connection: PipedriveConnection | null }
  | { status: 'failed'; error: Error };

export interface PanelHostProviderProps {
  launch: Launch;
  /** The window answering the SDK; Pipedrive's by default (tests pass a fake host). */
  targetWindow?: Window;
  timeoutMs?: number;
  children: ReactNode;
}

export function PanelHostProvider({ launch, targetWindow, timeoutMs, children }: PanelHostProviderProps) {
  const identifier = isInPipedrive(launch) ? launch.identifier : null;
  const [state, setState] = useState<Connection>(() =>
    identifier ? { status: 'connecting' } : { status: 'ready', connection: null },
  );
  const [attempt, setAttempt] = useState(0);
  const [theme, setTheme] = useState<Theme>(() => launch.theme ?? systemTheme());
  const standalone = useStandaloneHost();
  const root = useRef<HTMLDivElement>(null);

  // Connect; the connection is shared per iframe id, so StrictMode's second mount reuses it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs it when the user retries.
  useEffect(() => {
    if (!identifier) return;
    let cancelled = false;
    setState({ status: 'connecting' });
    connectToPipedrive(identifier, {
      ...(targetWindow ? { targetWindow } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    })
      .then((connection) => {
        if (!cancelled) setState({ status: 'ready', connection });
      })
      .catch((err: unknown) => {
        if (!cancelled)
          setState({ status: 'failed', error: err instanceof Error ? err : new Error(String(err)) });
      });
    return () => {
      cancelled = true;
    };
  }, [identifier, targetWindow, timeoutMs, attempt]);

  const sdk = state.status === 'ready' ? (state.connection?.sdk ?? null) : null;

  // Follow Pipedrive's theme, and its changes while the panel is open.
  useEffect(() => {
    if (!sdk) return;
    setTheme(toTheme(sdk.userSettings.theme));
    return sdk.listen(Event.USER_SETTINGS_CHANGE, ({ data }) => {
      if (data) setTheme(toTheme(data.theme));
    });
  }, [sdk]);

  // Outside Pipedrive, with no theme asked for, follow the operating system.
  useEffect(() => {
    if (identifier || launch.theme) return;
    return watchSystemTheme(setTheme);
  }, [identifier, launch.theme]);

  useLayoutEffect(() => applyTheme(document.documentElement, theme), [theme]);

  useReportHeight(root, sdk);

  const host: PanelHost =
    state.status === 'ready' && state.connection ? state.connection.host : standalone.host;
  const value: HostState = {
    status: state.status,
    host,
    theme,
    error: state.status === 'failed' ? state.error : null,
  };

  return (
    <HostContext.Provider value={value}>
      <div ref={root} className="panel-root">
        {state.status === 'connecting' && <LoadingState label="Connecting to Pipedrive…" />}
        {state.status === 'failed' && (
          <ErrorState
            title="Cannot connect to Pipedrive"
            error={state.error}
            onRetry={() => setAttempt((n) => n + 1)}
          />
        )}
        {state.status === 'ready' && children}
      </div>
      {!identifier && standalone.ui}
    </HostContext.Provider>
  );
}

export function useHostState(): HostState {
  const value = useContext(HostContext);
  if (!value) throw new Error('usePanelHost outside <PanelHostProvider>');
  return value;
}

/** Confirmation, snackbar and signed token, from Pipedrive or the in-page fallbacks. */
export function usePanelHost(): PanelHost {
  return useHostState().host;
}
