// Reading the host harness from a test: what the panel asked of "Pipedrive", and what reached the server.
import type { Page } from 'playwright-core';
import type { PanelRequest } from '../harness/host-server.ts';

export interface HarnessLogEntry {
  type: 'command' | 'listener' | 'track' | 'event' | 'foreign';
  command?: string;
  event?: string;
  args?: unknown;
}

export interface HarnessState {
  initialized: boolean;
  hidden: boolean;
  theme: 'light' | 'dark';
  heights: number[];
  snackbars: string[];
}

interface HarnessWindow {
  harness: { log: HarnessLogEntry[]; state: HarnessState };
}

export function harnessLog(page: Page): Promise<HarnessLogEntry[]> {
  return page.evaluate(() => (window as unknown as HarnessWindow).harness.log);
}

export function harnessState(page: Page): Promise<HarnessState> {
  return page.evaluate(() => (window as unknown as HarnessWindow).harness.state);
}

export async function commandsSent(page: Page, command: string): Promise<unknown[]> {
  return (await harnessLog(page))
    .filter((e) => e.type === 'command' && e.command === command)
    .map((e) => e.args);
}

/** The /api requests the panel's server received, as recorded in front of the app. */
export async function panelRequests(hostUrl: string): Promise<PanelRequest[]> {
  const res = await fetch(`${hostUrl}/panel-requests`);
  return (await res.json()) as PanelRequest[];
}

export async function forgetPanelRequests(hostUrl: string): Promise<void> {
  await fetch(`${hostUrl}/panel-requests`, { method: 'DELETE' });
}
