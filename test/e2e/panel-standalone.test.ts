// The same built panel opened directly (no Pipedrive id): local mode with in-page fallbacks.
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { browserPerFile, screenshot } from './helpers/browser.ts';
import { forgetPanelRequests, panelRequests } from './helpers/harness.ts';

const panelUrl = inject('panelUrl');
const hostUrl = inject('hostUrl');
const browser = browserPerFile();

beforeEach(async () => {
  await forgetPanelRequests(hostUrl);
});

describe('the panel outside Pipedrive', () => {
  it('runs without the SDK and calls the API without a token', async () => {
    const { page } = browser();
    await page.goto(`${panelUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Migrations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/migrations');
    expect(await page.getByTestId('target').textContent()).toBe(
      'The local Pipedrive sandbox, not to Pipedrive',
    );
    await expect.poll(async () => (await panelRequests(hostUrl)).length).toBe(2);
    expect(await panelRequests(hostUrl)).toEqual([
      { method: 'GET', path: '/api/session', authorization: null },
      { method: 'GET', path: '/api/migrations', authorization: null },
    ]);
    await screenshot(page, '10-standalone-home');
  });

  it('confirms in its own dialog, from the keyboard', async () => {
    const { page } = browser();
    await page.goto(`${panelUrl}/diagnostics`);
    await page.getByRole('button', { name: 'Test a confirmation' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Test confirmation' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await screenshot(page, '11-standalone-confirmation');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('You chose Confirm.').waitFor();
    await page.getByRole('button', { name: 'Test a confirmation' }).click();
    await page.keyboard.press('Escape');
    await page.getByText('You chose Cancel.').waitFor();
    expect(await dialog.count()).toBe(0);
  });

  it('shows notifications as toasts that can be dismissed', async () => {
    const { page } = browser();
    await page.goto(`${panelUrl}/diagnostics`);
    await page.getByRole('button', { name: 'Check the connection' }).click();
    const toast = page.locator('.toast');
    await toast.waitFor();
    expect(await toast.locator('.toast__message').textContent()).toBe(
      'Connected to the server as user 1 of company 1.',
    );
    await screenshot(page, '12-standalone-toast');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    expect(await toast.count()).toBe(0);
  });

  it('follows the operating system theme', async () => {
    const { page } = browser();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${panelUrl}/migrations`);
    await page.getByRole('heading', { level: 1, name: 'Migrations' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
  });
});
