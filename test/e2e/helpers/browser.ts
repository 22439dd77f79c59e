// Debian's Chromium driven by playwright-core: headless, a fresh profile per launch, and every request
// that is not for 127.0.0.1 refused, so the e2e tests never reach the network.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Frame, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ROOT } from '../../helpers/spawn.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'e2e');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'actimo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    return url.hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient');
  });
  // Generous: CI and development machines have two cores, shared with the integration suites running
  // alongside. Waits end as soon as the element appears, so this only matters when the machine is busy.
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot into test-results/e2e (git-ignored), for the user guide and for debugging. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * A screenshot of one part of the panel into test-results/e2e. Headless Chromium paints only the part of
 * a tall iframe near the viewport, so long screens are shown part by part rather than as a full page.
 */
export async function screenshotOf(part: Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await part.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The panel's frame inside the host harness. */
export async function panelFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe#panel');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the panel iframe has no frame');
  return frame;
}

/** One Chromium for a test file: opened before its first test, closed after its last. */
export function browserPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not open yet');
    return browser;
  };
}
