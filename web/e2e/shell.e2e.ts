// The portals' frame: served by the server, sign-in through the Key Manager, sign-out, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, expectAccessible, launchBrowser, signInOnKeyManager, startArchway, type Archway } from './harness';

let server: Archway;
let browser: Browser;

beforeAll(async () => {
  server = await startArchway();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('portal sign-in', () => {
  it('signs in to the Publisher with PKCE and out again, revoking the token', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/publisher/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL(/\/publisher\/apis/);
    await expect.poll(() => page.getByRole('heading', { name: 'APIs' }).isVisible()).toBe(true);
    await expectAccessible(page, 'the Publisher API list');
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('archway.session.archway-publisher') ?? '{}').tokens?.accessToken as string);
    expect(token).toBeTruthy();
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const res = await fetch(`${server.url}/api/am/publisher/v4/apis`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    await page.close();
  });

  it('shows the Key Manager\'s message for a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, 'admin', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid username or password');
    await expectAccessible(page, 'the sign-in page with an error');
    await page.close();
  });
});
