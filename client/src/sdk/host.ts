// What the panel needs from whoever hosts it: Pipedrive (through the app extensions SDK) or, outside
// Pipedrive, the page itself (in-page fallbacks). Screens only ever talk to this interface.
import type { Theme } from '../launch.ts';

export type ConfirmTone = 'primary' | 'secondary' | 'negative';

export interface ConfirmOptions {
  title: string;
  description?: string;
  okText?: string;
  cancelText?: string;
  /** Colour of the confirm button; destructive actions keep Pipedrive's default, negative (red). */
  tone?: ConfirmTone;
}

export interface NotifyOptions {
  link?: { url: string; label: string };
}

export interface PanelHost {
  kind: 'pipedrive' | 'standalone';
  /** Asks the user to confirm; resolves true only on an explicit yes. */
  confirm(options: ConfirmOptions): Promise<boolean>;
  /** A short message that something happened (Pipedrive's snackbar, or an in-page toast). */
  notify(message: string, options?: NotifyOptions): Promise<void>;
  /** A JWT proving the user and company to our server; null outside Pipedrive. */
  getSignedToken(): Promise<string | null>;
  /** Drops the cached token after the server refused it. */
  invalidateSignedToken(): void;
}

export interface HostState {
  status: 'connecting' | 'ready' | 'failed';
  host: PanelHost;
  theme: Theme;
  /** Why connecting to Pipedrive failed. */
  error: Error | null;
}
