// What the e2e tests of the journey share: a folder for the exports a test file generates, the panel opened
// in the Pipedrive host harness, files dropped on its dropzone the way a browser does, and the panel
// server's API.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { panelFrame } from './browser.ts';

/** A file to drop on the dropzone (its bytes as base64, to cross into the page). */
export interface Upload {
  name: string;
  base64: string;
}

export const uploadOf = (name: string, data: Buffer): Upload => ({ name, base64: data.toString('base64') });

/** A temporary folder for a test file's generated exports: made before its tests, removed after them. */
export function exportsDirPerFile(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error('the exports folder is made in beforeAll');
    return dir;
  };
}

/** Opens a path of the panel in the host harness (optionally `width` px wide) and waits for its heading. */
export async function openPanel(page: Page, panelPath: string, width?: number): Promise<Frame> {
  const query = `path=${encodeURIComponent(panelPath)}${width ? `&width=${width}` : ''}`;
  await page.goto(`${inject('hostUrl')}/?${query}`);
  const frame = await panelFrame(page);
  await frame.locator('h1').first().waitFor();
  return frame;
}

/** Drops files on the dropzone the way a browser does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFiles(frame: Frame, files: Upload[]): Promise<void> {
  await frame.locator('.dropzone').evaluate((zone, list) => {
    const data = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], f.name));
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, files);
}

/** The panel server's API answer as JSON; throws on a status other than 2xx. */
export async function panelApi<T>(apiPath: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${inject('panelUrl')}${apiPath}`, init);
  if (!res.ok) throw new Error(`${apiPath} answered ${res.status}`);
  return (await res.json()) as T;
}
