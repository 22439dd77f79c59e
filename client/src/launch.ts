// What the panel learns from the URL it was opened with. Pipedrive frames the panel as
// `…?id=<runtime id>&companyId=…&userId=…&token=<jwt>&theme=light|dark`; the router later rewrites the
// URL, so these are read once, before the first render.

export type Theme = 'light' | 'dark';

export interface Launch {
  /** Pipedrive's runtime id for this iframe; the SDK needs it. Null outside Pipedrive. */
  identifier: string | null;
  companyId: number | null;
  userId: number | null;
  /** Theme asked for in the URL, if any. */
  theme: Theme | null;
  /** Whether the page sits in a frame (Pipedrive always frames it). */
  framed: boolean;
}

const STORAGE_KEY = 'actimo-pipedrive.launch';

function positiveInt(value: string | null): number | null {
  return value !== null && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}

export function parseLaunch(search: string, framed: boolean): Launch {
  const params = new URLSearchParams(search);
  const identifier = params.get('id');
  const theme = params.get('theme');
  return {
    identifier: identifier && identifier.trim() !== '' ? identifier : null,
    companyId: positiveInt(params.get('companyId')),
    userId: positiveInt(params.get('userId')),
    theme: theme === 'dark' || theme === 'light' ? theme : null,
    framed,
  };
}

/** Inside Pipedrive only when Pipedrive gave an id and there is a parent window to answer the SDK. */
export function isInPipedrive(launch: Launch): boolean {
  return launch.identifier !== null && launch.framed;
}

/**
 * Reads the launch parameters from the window. When the frame is reloaded on a deep link the query is
 * gone, so the last launch in this tab (sessionStorage is per frame and per tab) is used instead.
 */
export function readLaunch(win: Window = window): Launch {
  const framed = win.parent !== win;
  const fromUrl = parseLaunch(win.location.search, framed);
  const storage = sessionStorageOf(win);
  if (fromUrl.identifier !== null) {
    storage?.setItem(STORAGE_KEY, win.location.search);
    return fromUrl;
  }
  const saved = framed ? storage?.getItem(STORAGE_KEY) : null;
  return saved ? parseLaunch(saved, framed) : fromUrl;
}

function sessionStorageOf(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    // Blocked third-party storage throws on access; the panel works without it.
    return null;
  }
}
