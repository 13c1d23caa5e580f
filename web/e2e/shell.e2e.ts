// The portals' frame: served by the server, sign-in through the Key Manager, sign-out, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  adminCall,
  expectAccessible,
  launchBrowser,
  signInOnKeyManager,
  startArchway,
  type Archway,
} from './harness';

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

describe('the browser the tests drive', () => {
  it('asks for reduced motion on every page, so no check meets a half-faded element', async () => {
    const reduced = (page: Page) =>
      page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches);
    const page = await browser.newPage();
    const context = await browser.newContext({ bypassCSP: true });
    const other = await context.newPage();
    expect([await reduced(page), await reduced(other)]).toEqual([true, true]);
    await page.close();
    await context.close();
  });
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
    const token = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('archway.session.archway-publisher') ?? '{}').tokens
          ?.accessToken as string,
    );
    expect(token).toBeTruthy();
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const res = await fetch(`${server.url}/api/am/publisher/v4/apis`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    await page.close();
  });

  it('shows the expired-session page once the server no longer accepts the session', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname.startsWith('/admin') && !u.pathname.endsWith('/callback'));
    // The session ends on the server (both tokens revoked, as by a sign-out elsewhere).
    const tokens = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('archway.session.archway-admin') ?? '{}').tokens as {
          accessToken: string;
          refreshToken: string;
        },
    );
    for (const token of [tokens.accessToken, tokens.refreshToken])
      await fetch(`${server.url}/oauth2/revoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: 'archway-admin' }),
      });
    await page.reload();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Your session has expired' }).isVisible(), {
        timeout: 15_000,
      })
      .toBe(true);
    await expectAccessible(page, 'the expired-session page');
    await page.getByRole('button', { name: 'Sign in again' }).first().click();
    await signInOnKeyManager(page, 'admin', ADMIN_PASSWORD);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Your session has expired' }).isVisible())
      .toBe(false);
    await page.close();
  });

  it('tells a user without the role that the portal is not for them', async () => {
    await adminCall(server, 'POST', '/api/am/admin/v4/users', {
      username: 'dev1',
      password: 'dev1-password',
      roles: ['subscriber'],
    });
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, 'dev1', 'dev1-password');
    await expect
      .poll(() => page.getByRole('heading', { name: 'No access' }).isVisible(), { timeout: 15_000 })
      .toBe(true);
    expect(await page.getByText('the admin role').isVisible()).toBe(true);
    await expectAccessible(page, 'the no-access page');
    await page.close();
  });

  it("shows the Key Manager's message for a wrong password", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInOnKeyManager(page, 'admin', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid username or password');
    await expectAccessible(page, 'the sign-in page with an error');
    await page.close();
  });
});
