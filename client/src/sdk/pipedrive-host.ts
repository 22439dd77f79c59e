// The panel inside Pipedrive: one SDK instance per iframe id, initialised once (React's StrictMode
// mounts effects twice; the SDK cannot be initialised twice).
import { Color, Command } from '@pipedrive/app-extensions-sdk';
import type { ConfirmTone, PanelHost } from './host.ts';
import { AppExtensionsSDK } from './sdk-class.ts';
import { SignedTokenCache } from './signed-token.ts';

/** Pipedrive hides a custom UI extension that has not initialised within 10 seconds. */
export const INITIALIZE_TIMEOUT_MS = 10_000;

export class HostTimeoutError extends Error {
  override name = 'HostTimeoutError';
  constructor(ms: number) {
    super(`Pipedrive did not answer the panel within ${Math.round(ms / 1000)} seconds.`);
  }
}

export interface PipedriveConnection {
  sdk: AppExtensionsSDK;
  host: PanelHost;
}

export interface ConnectOptions {
  /** The window that answers the SDK; Pipedrive's (window.parent) unless given (tests pass a fake). */
  targetWindow?: Window;
  timeoutMs?: number;
}

const COLORS: Record<ConfirmTone, Color> = {
  primary: Color.PRIMARY,
  secondary: Color.SECONDARY,
  negative: Color.NEGATIVE,
};

const connections = new Map<string, Promise<PipedriveConnection>>();

export function connectToPipedrive(
  identifier: string,
  options: ConnectOptions = {},
): Promise<PipedriveConnection> {
  const existing = connections.get(identifier);
  if (existing) return existing;
  const sdk = new AppExtensionsSDK({
    identifier,
    ...(options.targetWindow ? { targetWindow: options.targetWindow } : {}),
  });
  const timeoutMs = options.timeoutMs ?? INITIALIZE_TIMEOUT_MS;
  const connection = withTimeout(sdk.initialize(), timeoutMs).then((ready) => ({
    sdk: ready,
    host: pipedriveHost(ready),
  }));
  connections.set(identifier, connection);
  // A failed start may be retried (the user presses "Try again").
  connection.catch(() => connections.delete(identifier));
  return connection;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HostTimeoutError(ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export function pipedriveHost(sdk: AppExtensionsSDK): PanelHost {
  const tokens = new SignedTokenCache(async () => {
    const { token } = await sdk.execute(Command.GET_SIGNED_TOKEN);
    return token;
  });
  return {
    kind: 'pipedrive',
    async confirm(options) {
      const { confirmed } = await sdk.execute(Command.SHOW_CONFIRMATION, {
        title: options.title,
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.okText === undefined ? {} : { okText: options.okText }),
        ...(options.cancelText === undefined ? {} : { cancelText: options.cancelText }),
        okColor: COLORS[options.tone ?? 'negative'],
      });
      return confirmed === true;
    },
    async notify(message, options) {
      await sdk.execute(Command.SHOW_SNACKBAR, {
        message,
        ...(options?.link ? { link: options.link } : {}),
      });
    },
    getSignedToken: () => tokens.get(),
    invalidateSignedToken: () => tokens.invalidate(),
  };
}
