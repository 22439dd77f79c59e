// The built panel framed by the host harness exactly as Pipedrive frames it, in headless Chromium.
import jwt from 'jsonwebtoken';
import type { Frame } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { HARNESS_COMPANY_ID, HARNESS_JWT_SECRET, HARNESS_USER_ID } from './harness/constants.ts';
import { browserPerFile, panelFrame, screenshot } from './helpers/browser.ts';
import {
  commandsSent,
  forgetPanelRequests,
  harnessLog,
  harnessState,
  panelRequests,
} from './helpers/harness.ts';

const hostUrl = inject('hostUrl');
const panelUrl = inject('panelUrl');
const browser = browserPerFile();

beforeEach(async () => {
  await forgetPanelRequests(hostUrl);
});

/** Opens the harness on a panel path and waits until the panel shows its first screen. */
async function openInPipedrive(path: string, theme: 'light' | 'dark' = 'light'): Promise<Frame> {
  await browser().page.goto(`${hostUrl}/?path=${encodeURIComponent(path)}&theme=${theme}`);
  const frame = await panelFrame(browser().page);
  await frame.locator('h1').first().waitFor();
  return frame;
}

function themeOf(frame: Frame): Promise<{ attribute: string | null; background: string }> {
  return frame.evaluate(() => ({
    attribute: document.documentElement.getAttribute('data-theme'),
    background: getComputedStyle(document.body).backgroundColor,
  }));
}

describe('the panel inside Pipedrive', () => {
  it('initialises with the iframe id, then shows the session and where writes go', async () => {
    const frame = await openInPipedrive('/');
    const state = await harnessState(browser().page);
    expect(state.initialized).toBe(true);
    expect(state.hidden).toBe(false);
    const log = await harnessLog(browser().page);
    expect(log[0]).toEqual({ type: 'command', command: 'initialize', args: {} });
    expect(await frame.locator('h1').textContent()).toBe('Migrations');
    expect(await frame.getByRole('note').textContent()).toBe(
      'Writing to the local Pipedrive sandboxNothing you run here reaches Pipedrive: this server has no Pipedrive credentials.',
    );
    expect(new URL(frame.url()).pathname).toBe('/migrations');
    await screenshot(browser().page, '01-home-in-pipedrive');
  });

  it('sends a signed token from Pipedrive on its API calls, fetched once and reused', async () => {
    const frame = await openInPipedrive('/diagnostics');
    await frame.getByRole('button', { name: 'Check the connection' }).click();
    await browser().page.getByRole('status').filter({ hasText: 'Connected to the server' }).waitFor();
    const requests = await panelRequests(hostUrl);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/session', 'GET /api/session']);
    const [first, second] = requests.map((r) => r.authorization);
    expect(first).toBe(second);
    const token = /^Bearer (.+)$/.exec(first ?? '')?.[1] ?? '';
    const claims = jwt.verify(token, HARNESS_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect({
      userId: claims.userId,
      companyId: claims.companyId,
      lifetime: (claims.exp ?? 0) - (claims.iat ?? 0),
    }).toEqual({
      userId: HARNESS_USER_ID,
      companyId: HARNESS_COMPANY_ID,
      lifetime: 300,
    });
    expect(await commandsSent(browser().page, 'get_signed_token')).toHaveLength(1);
  });

  it('shows a result as a Pipedrive snackbar', async () => {
    const frame = await openInPipedrive('/diagnostics');
    await frame.getByRole('button', { name: 'Show a test notification' }).click();
    const snackbar = browser().page.locator('#snackbar');
    await snackbar.filter({ hasText: 'test notification' }).waitFor();
    expect(await snackbar.textContent()).toBe('This is a test notification from the Actimo migration panel.');
    expect(await commandsSent(browser().page, 'show_snackbar')).toEqual([
      { message: 'This is a test notification from the Actimo migration panel.' },
    ]);
    // Pipedrive draws it, not the panel.
    expect(await frame.locator('.toast').count()).toBe(0);
    await screenshot(browser().page, '02-snackbar-in-pipedrive');
  });

  it("asks for confirmation through Pipedrive's dialog and acts on the answer", async () => {
    const frame = await openInPipedrive('/diagnostics');
    await frame.getByRole('button', { name: 'Test a confirmation' }).click();
    const dialog = browser().page.getByRole('dialog', { name: 'Test confirmation' });
    await dialog.waitFor();
    expect(await dialog.locator('p').textContent()).toBe('Nothing happens whichever you choose.');
    expect(await frame.getByRole('alertdialog').count()).toBe(0);
    await screenshot(browser().page, '03-confirmation-in-pipedrive');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await frame.getByText('You chose Confirm.').waitFor();
    await frame.getByRole('button', { name: 'Test a confirmation' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await frame.getByText('You chose Cancel.').waitFor();
    expect(await commandsSent(browser().page, 'show_confirmation')).toHaveLength(2);
  });

  it("starts in Pipedrive's theme and follows the user's change while open", async () => {
    const frame = await openInPipedrive('/migrations', 'dark');
    expect(await themeOf(frame)).toEqual({ attribute: 'dark', background: 'rgb(28, 30, 36)' });
    await screenshot(browser().page, '04-dark-theme');
    await browser().page.getByRole('button', { name: 'Light theme' }).click();
    await frame.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
    expect(await themeOf(frame)).toEqual({ attribute: 'light', background: 'rgb(255, 255, 255)' });
  });

  it('keeps the iframe as tall as its content', async () => {
    const frame = await openInPipedrive('/migrations');
    const contentHeight = () =>
      frame.evaluate(() => Math.ceil(document.querySelector('.panel-root')!.getBoundingClientRect().height));
    const frameHeight = () =>
      browser().page.evaluate(() => document.getElementById('panel')!.getBoundingClientRect().height);
    // The migrations list arrives after the screen: compare the two heights as they are at each try.
    const gap = async () => (await frameHeight()) - (await contentHeight());
    await frame.locator('.migration-list, .state--empty').first().waitFor();
    await expect.poll(gap).toBe(0);
    const before = await contentHeight();
    // Going to a shorter screen shrinks the frame with it.
    await frame.getByRole('link', { name: 'Diagnostics' }).click();
    await frame.getByRole('heading', { name: 'Diagnostics' }).waitFor();
    await expect.poll(gap).toBe(0);
    expect(await contentHeight()).not.toBe(before);
    const heights = (await harnessState(browser().page)).heights;
    expect(heights.at(-1)).toBe(await contentHeight());
  });

  it('opens any step by URL inside the frame', async () => {
    const created = await fetch(`${panelUrl}/api/migrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Opened by URL' }),
    });
    const { id } = (await created.json()) as { id: number };
    const frame = await openInPipedrive(`/migrations/${id}/sample`);
    expect(await frame.locator('h1').textContent()).toBe('Try a sample');
    expect(await frame.locator('.screen__eyebrow').textContent()).toBe('Opened by URL');
    expect(await frame.locator('[aria-current="step"]').textContent()).toBe('4Sample');
    await frame.getByRole('link', { name: 'Report', exact: true }).click();
    await frame.getByRole('heading', { name: 'Read the report' }).waitFor();
    expect(new URL(frame.url()).pathname).toBe(`/migrations/${id}/report`);
    await screenshot(browser().page, '05-step-by-url');
  });

  it('fits the narrow width of a Pipedrive side panel', async () => {
    await browser().page.goto(`${hostUrl}/?path=/migrations&width=360`);
    const frame = await panelFrame(browser().page);
    await frame.locator('h1').first().waitFor();
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await screenshot(browser().page, '06-narrow-panel');
  });
});
