/**
 * End-to-end test support: the real server (in-process, port 0, built UI) over a test store, and
 * Debian's Chromium driven by playwright-core with a fresh profile.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PartnerAccountService } from '../../src/services/partner-account-service.js';
import { startEmulatorHarness, startHarness, type Harness } from '../../src/test-support/harness.js';
import type { StoreFactory } from '../../src/test-support/stores.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const webRoot = join(root, 'dist', 'web');
export const outputDir = join(root, 'test-output');
export const chromiumPath = process.env.TENANTRY_CHROMIUM ?? '/usr/bin/chromium';

/** Builds the UI when no build exists (a single test file run without `npm run build`). */
export function ensureWebBuild() {
  if (existsSync(join(webRoot, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

export interface UiServer {
  h: Harness;
  baseUrl: string;
  userName: string;
  password: string;
  close(): Promise<void>;
}

/**
 * Starts the server with the demo data and a partner account to sign in with.
 *
 * @example
 * const server = await startUiServer(factory);
 * const emulator = await startUiServer(factory, { emulator: true }); // as `serve --emulator`
 */
export async function startUiServer(factory: StoreFactory, options: { emulator?: boolean } = {}): Promise<UiServer> {
  ensureWebBuild();
  const h = await (options.emulator ? startEmulatorHarness(factory, { webRoot }) : startHarness(factory, { webRoot }));
  const userName = 'e2e-admin@partner.example';
  const password = 'E2e!passw0rd';
  await new PartnerAccountService(h.store).add({ partnerId: h.partnerId, userName, roles: ['AdminAgent'], password });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { h, baseUrl: `http://127.0.0.1:${port}`, userName, password, close: () => h.close() };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  downloads: string;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile; one page, downloads accepted. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tenantry-chromium-'));
  const downloads = mkdtempSync(join(tmpdir(), 'tenantry-downloads-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    downloadsPath: downloads,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    downloads,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as test-output/web-<name>.png. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(outputDir, { recursive: true });
  // Fluent's colour transitions take ~100 ms: let them finish so the picture shows the settled state.
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(outputDir, `web-${name}.png`) });
}

/**
 * Signs the server's admin agent in as the web app would (the session in sessionStorage), and with
 * `emulatorAdminToken` also gives the Emulator area's admin token as its form keeps it.
 */
export async function signIn(browser: Browser, server: UiServer, options: { emulatorAdminToken?: boolean } = {}) {
  const res = await server.h.request('POST', '/auth/signin', { token: null, body: { userName: server.userName, password: server.password } });
  assert.equal(res.status, 200, res.text);
  await browser.page.goto(`${server.baseUrl}/signin`);
  await browser.page.evaluate((session) => sessionStorage.setItem('tenantry.session', JSON.stringify(session)), res.json);
  if (options.emulatorAdminToken) {
    await browser.page.evaluate((token) => sessionStorage.setItem('tenantry.emulatorAdminToken', token), server.h.emulatorAdminToken!);
  }
}
