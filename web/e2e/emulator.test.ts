/**
 * End-to-end: the Emulator area in Chromium. Under `--emulator` an admin agent finds it, gives the
 * admin token once, and drives workspaces, their clock and their fault rules; without
 * `--emulator` neither the link nor the page nor `/_tenantry/about` exists. Both stores;
 * screenshots in test-output/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeFactories } from '../../src/test-support/stores.js';
import { launchBrowser, screenshot, signIn, startUiServer, type Browser, type UiServer } from './browser.js';

for (const factory of storeFactories) {
  describe(`Emulator area on ${factory.name}`, () => {
    let server: UiServer;
    let browser: Browser;
    const shot = (name: string) => screenshot(browser.page, `${factory.name}-emulator-${name}`);

    before(async () => {
      server = await startUiServer(factory, { emulator: true });
      browser = await launchBrowser();
      await signIn(browser, server);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('asks for the admin token once, refuses a wrong one, and keeps the right one for the tab', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/customers`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Emulator' }).click();
      await page.getByRole('heading', { name: 'Emulator' }).waitFor();
      await page.getByLabel('Admin token', { exact: true }).fill('not-the-token');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('That is not the emulator admin token.', { exact: false }).waitFor();
      await shot('token-refused');
      await page.getByLabel('Admin token', { exact: true }).fill(server.h.emulatorAdminToken!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Create workspace' }).waitFor();
      await page.reload();
      await page.getByRole('button', { name: 'Create workspace' }).waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('tenantry.emulatorAdminToken')), server.h.emulatorAdminToken);
    });

    it('creates, resets and deletes workspaces', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/emulator`);
      await page.getByLabel('New workspace name').fill('suite-a');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      const table = page.getByRole('table', { name: 'Workspaces' });
      await table.getByRole('cell', { name: 'suite-a', exact: true }).waitFor();
      await page.getByLabel('New workspace name').fill('suite-b');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await table.getByRole('cell', { name: 'suite-b', exact: true }).waitFor();
      const listed = await server.h.request('GET', '/_tenantry/workspaces', { token: server.h.emulatorAdminToken });
      assert.deepEqual(listed.json.items.map((w: { name: string }) => w.name).filter((n: string) => n.startsWith('suite-')).sort(), ['suite-a', 'suite-b']);
      await table.getByRole('button', { name: 'Reset suite-a' }).click();
      await shot('workspaces');
      page.once('dialog', (d) => void d.accept());
      await table.getByRole('button', { name: 'Delete suite-b' }).click();
      await table.getByRole('cell', { name: 'suite-b', exact: true }).waitFor({ state: 'detached' });
      const after = await server.h.request('GET', '/_tenantry/workspaces', { token: server.h.emulatorAdminToken });
      assert.ok(!after.json.items.some((w: { name: string }) => w.name === 'suite-b'));
    });

    it('shows, advances, sets, freezes and unfreezes a workspace clock', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/emulator`);
      await page.getByRole('button', { name: 'Open suite-a' }).click();
      const clock = page.getByRole('region', { name: 'Clock' });
      await clock.getByTestId('clock-now').getByText('(running)', { exact: false }).waitFor();
      await clock.getByRole('button', { name: 'Freeze' }).click();
      await clock.getByTestId('clock-now').getByText('(frozen)', { exact: false }).waitFor();
      await clock.getByLabel('Set to').fill('2030-01-01T00:00:00Z');
      await clock.getByRole('button', { name: 'Set', exact: true }).click();
      await clock.getByTestId('clock-now').getByText('2030-01-01T00:00:00', { exact: false }).waitFor();
      await clock.getByLabel('Advance by').fill('P30D');
      await clock.getByRole('button', { name: 'Advance' }).click();
      await clock.getByTestId('clock-now').getByText('2030-01-31T00:00:00', { exact: false }).waitFor();
      const id = (await server.h.request('GET', '/_tenantry/workspaces', { token: server.h.emulatorAdminToken })).json.items.find((w: { name: string }) => w.name === 'suite-a').id;
      const served = await server.h.request('GET', `/_tenantry/workspaces/${id}/clock`, { token: server.h.emulatorAdminToken });
      assert.equal(served.json.frozen, true);
      assert.match(served.json.now, /^2030-01-31T00:00:00/);
      await shot('clock');
      await clock.getByRole('button', { name: 'Unfreeze' }).click();
      await clock.getByTestId('clock-now').getByText('(running)', { exact: false }).waitFor();
    });

    it('adds, lists, removes and clears fault rules', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/emulator`);
      await page.getByRole('button', { name: 'Open suite-a' }).click();
      const faults = page.getByRole('region', { name: 'Fault rules' });
      await faults.getByText('No fault rules', { exact: false }).waitFor();
      await faults.getByLabel('Operation').fill('users.list');
      await faults.getByLabel('Answer status').selectOption('429');
      await faults.getByLabel('Times').fill('2');
      await faults.getByRole('button', { name: 'Add rule' }).click();
      await faults.getByRole('cell', { name: 'operation=users.list' }).waitFor();
      await faults.getByLabel('Operation').fill('licenses.list');
      await faults.getByLabel('Answer status').selectOption('503');
      await faults.getByLabel('Times').fill('');
      await faults.getByRole('button', { name: 'Add rule' }).click();
      await faults.getByRole('cell', { name: 'operation=licenses.list' }).waitFor();
      const id = (await server.h.request('GET', '/_tenantry/workspaces', { token: server.h.emulatorAdminToken })).json.items.find((w: { name: string }) => w.name === 'suite-a').id;
      const rules = (await server.h.request('GET', `/_tenantry/workspaces/${id}/faults`, { token: server.h.emulatorAdminToken })).json.items;
      assert.deepEqual(rules.map((r: { match: unknown; effect: unknown; times?: number }) => [r.match, r.effect, r.times]), [
        [{ operation: 'users.list' }, { status: 429 }, 2],
        [{ operation: 'licenses.list' }, { status: 503 }, undefined],
      ]);
      await shot('faults');
      await faults.getByRole('button', { name: `Remove rule ${rules[0].id}` }).click();
      await faults.getByRole('cell', { name: 'operation=users.list' }).waitFor({ state: 'detached' });
      await faults.getByRole('button', { name: 'Clear all rules' }).click();
      await faults.getByText('No fault rules', { exact: false }).waitFor();
      assert.equal((await server.h.request('GET', `/_tenantry/workspaces/${id}/faults`, { token: server.h.emulatorAdminToken })).json.totalCount, 0);
    });
  });

  describe(`no Emulator area without --emulator on ${factory.name}`, () => {
    let server: UiServer;
    let browser: Browser;

    before(async () => {
      server = await startUiServer(factory);
      browser = await launchBrowser();
      await signIn(browser, server);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('offers no Emulator link, no Emulator page and no /_tenantry route', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/customers`);
      await page.getByRole('heading', { name: 'Customers' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Emulator' }).count(), 0);
      const res = await page.request.get(`${server.baseUrl}/emulator`);
      assert.equal(res.status(), 404);
      assert.equal((await page.request.get(`${server.baseUrl}/_tenantry/about`)).status(), 404);
      await screenshot(page, `${factory.name}-emulator-absent`);
    });
  });
}
