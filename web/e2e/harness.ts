// What every browser test needs: a real `archway serve` on free ports with its own data, a small
// JSON backend, headless Chromium (Debian's), an accessibility check and REST helpers for set-up.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';

export const ADMIN_PASSWORD = 'e2e-admin-pw';

export interface Archway {
  /** http://127.0.0.1:<management port> */
  url: string;
  gatewayUrl: string;
  stop: () => Promise<void>;
  log: () => string;
}

function binary(): string {
  const bin = process.env.ARCHWAY_BINARY ?? join(import.meta.dirname, '../../build/release/archway');
  if (!existsSync(bin))
    throw new Error(`archway binary not found at ${bin}; build it first (make build) or set ARCHWAY_BINARY`);
  return bin;
}

export async function startArchway(extraArgs: string[] = []): Promise<Archway> {
  const dir = mkdtempSync(join(tmpdir(), 'archway-e2e-'));
  const ready = join(dir, 'ready.json');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('ARCHWAY_')) env[k] = v; // the test sets the server's configuration fully
  env.ARCHWAY_ADMIN_PASSWORD = ADMIN_PASSWORD;
  let output = '';
  const child: ChildProcess = spawn(
    binary(),
    [
      'serve',
      '--data-dir',
      join(dir, 'data'),
      '--ready-file',
      ready,
      '--set',
      'management.host=127.0.0.1',
      '--set',
      'gateway.host=127.0.0.1',
      '--set',
      'management.http_port=0',
      '--set',
      'management.https_port=-1',
      '--set',
      'gateway.http_port=0',
      '--set',
      'gateway.https_port=-1',
      '--set',
      'gateway.workers=1',
      // ARCHWAY_E2E_WEB_DIR=dist tries a fresh `npm run build` without relinking the server.
      ...(process.env.ARCHWAY_E2E_WEB_DIR ? ['--set', `web.dir=${process.env.ARCHWAY_E2E_WEB_DIR}`] : []),
      ...extraArgs,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const started = Date.now();
  while (!existsSync(ready)) {
    if (child.exitCode !== null) throw new Error(`archway exited before it was ready:\n${output}`);
    // Under a loaded machine (a build beside it) the first start, with its key generation, can take long.
    if (Date.now() - started > 60_000) throw new Error(`archway was not ready within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ports = JSON.parse(readFileSync(ready, 'utf8')) as Record<string, number>;
  return {
    url: `http://127.0.0.1:${ports.management_http}`,
    gatewayUrl: `http://127.0.0.1:${ports.gateway_http}`,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Backend {
  url: string;
  stop: () => Promise<void>;
}

/** A backend answering every request with a JSON body naming the path it received. */
export async function startBackend(): Promise<Backend> {
  const server: Server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ backend: 'e2e', method: req.method, path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  // Every page asks for reduced motion, so the portals skip their transitions
  // (theme.respectReducedMotion): accessibility checks and clicks never meet a half-faded modal or
  // notification on a loaded machine. It has to be the context's option: Playwright emulates the
  // media feature per context ('no-preference' unless told), which overrides Chromium's own
  // --force-prefers-reduced-motion. Browser.newPage opens its context through newContext.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options) => newContext({ reducedMotion: 'reduce', ...options });
  return browser;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; fails on any violation of impact serious or critical. */
export async function expectAccessible(page: Page, what: string) {
  // Colours are only final once transitions (a modal fading in, a button's active state) have
  // ended: on a loaded machine axe could otherwise read a half-faded element as low contrast.
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running'),
    undefined,
    {
      timeout: 10_000,
    },
  );
  // Evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not
  // govern (a script tag would be refused, as it should be).
  await page.evaluate(`${axeSource}\n;0`);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `   at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`)
          .join('\n'),
    )
    .join('\n');
  expect(report, `accessibility of ${what}`).toBe('');
}

/** Signs in on the Key Manager's page the portal sent the browser to, then waits to be back. */
export async function signInOnKeyManager(page: Page, username: string, password: string) {
  await page.waitForURL(/\/oauth2\/authorize/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A REST call as admin with HTTP Basic, for test set-up. */
export async function adminCall<T = unknown>(
  server: Archway,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      Authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64'),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Creates a published API deployed to the gateway whose operations need a token. */
export async function publishedApi(server: Archway, backend: Backend, name: string, context: string) {
  const pub = '/api/am/publisher/v4';
  const apiObj = await adminCall<{ id: string }>(server, 'POST', `${pub}/apis`, {
    name,
    context,
    version: '1.0.0',
    policies: ['Unlimited', 'Gold'],
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backend.url } },
    operations: [{ target: '/items', verb: 'GET' }],
  });
  await adminCall(server, 'POST', `${pub}/apis/change-lifecycle?apiId=${apiObj.id}&action=Publish`);
  const rev = await adminCall<{ id: string }>(server, 'POST', `${pub}/apis/${apiObj.id}/revisions`, {
    description: 'e2e',
  });
  await adminCall(server, 'POST', `${pub}/apis/${apiObj.id}/deploy-revision?revisionId=${rev.id}`, [
    { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
  ]);
  return apiObj.id;
}

/**
 * Prints what the page showed (its accessibility tree and URL) when a test of the file fails, so a
 * failure met only on a loaded CI machine can be read from the log.
 */
export function describePageOnFailure(current: () => Page | undefined) {
  afterEach(async (ctx) => {
    const page = current();
    if (ctx.task.result?.state !== 'fail' || !page || page.isClosed()) return;
    const tree = await page
      .locator('body')
      .ariaSnapshot({ timeout: 5_000 })
      .catch((e: unknown) => String(e));
    console.log(`The page at ${page.url()} when "${ctx.task.name}" failed:\n${tree}`);
  });
}

/**
 * Clicks `trigger` until `inside` (something in the dialog it opens) shows: a click that lands while
 * the page still settles (an accordion opening) may miss; a dialog already open is not clicked again.
 */
export async function openDialog(page: Page, trigger: Locator, inside: Locator, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (!(await page.getByRole('dialog').isVisible())) await trigger.click();
    try {
      await inside.waitFor({ timeout: 3_000 });
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
  }
}
