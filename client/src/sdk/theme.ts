import type { Theme } from '../launch.ts';

/** Applies the theme to the page: CSS variables switch on `[data-theme]`; form controls follow color-scheme. */
export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

export function toTheme(value: unknown): Theme {
  return value === 'dark' ? 'dark' : 'light';
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Outside Pipedrive, with no theme in the URL, the panel follows the operating system. */
export function systemTheme(win: Window = window): Theme {
  return typeof win.matchMedia === 'function' && win.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

export function watchSystemTheme(onChange: (theme: Theme) => void, win: Window = window): () => void {
  if (typeof win.matchMedia !== 'function') return () => {};
  const query = win.matchMedia(DARK_QUERY);
  const listener = (e: MediaQueryListEvent) => onChange(e.matches ? 'dark' : 'light');
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}
