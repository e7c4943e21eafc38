/**
 * End-to-end: the Emulator area's Snapshots and Request journal views in Chromium, against the
 * real server under `--emulator` on both stores. Requests are made through the API as a test
 * suite would; what the UI shows and does is checked against the control plane's own answers.
 * Screenshots in test-output/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { storeFactories } from '../../src/test-support/stores.js';
import type { Locator } from 'playwright-core';
import { launchBrowser, screenshot, signIn, startUiServer, type Browser, type UiServer } from './browser.js';

const password = 'Journal-UI-Secret-9!';

/** A new workspace with a customer, and helpers speaking as its partner and as the admin. */
async function workspaceOf(server: UiServer, name: string) {
  const { h } = server;
  const created = await h.request('POST', '/_tenantry/workspaces', { token: h.emulatorAdminToken, body: { name } });
  assert.equal(created.status, 201, created.text);
  const ws = created.json as { id: string; tokens: { AdminAgent: string } };
  const token = ws.tokens.AdminAgent;
  const call = (method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => h.request(method, url, { token, body: options.body, headers: options.headers });
  const admin = (method: string, url: string, body?: unknown) => h.request(method, `/_tenantry/workspaces/${ws.id}${url}`, { token: h.emulatorAdminToken, body });
  const customer = await call('POST', '/v1/customers', {
    body: { companyProfile: { domain: `${name}-${ws.id.slice(0, 8)}.onmicrosoft.com` }, billingProfile: { companyName: `${name} Ltd` } },
    headers: { 'ms-requestid': randomUUID(), 'ms-correlationid': randomUUID() },
  });
  assert.equal(customer.status, 201, customer.text);
  return { id: ws.id, token, call, admin, customerId: customer.json.id as string, domain: customer.json.companyProfile.domain as string };
}

for (const factory of storeFactories) {
  describe(`Emulator snapshots and request journal on ${factory.name}`, () => {
    let server: UiServer;
    let browser: Browser;
    /** A screenshot with `region` scrolled to the top of the window (the views sit below the clock and faults). */
    const shot = async (name: string, region?: Locator) => {
      await region?.evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await screenshot(browser.page, `${factory.name}-emulator-${name}`);
    };

    /** The Emulator page with the named workspace open. */
    async function openWorkspace(name: string) {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/emulator`);
      await page.getByRole('button', { name: `Open ${name}`, exact: true }).click();
      await page.getByRole('heading', { name: `Workspace ${name}` }).waitFor();
      return page;
    }

    before(async () => {
      server = await startUiServer(factory, { emulator: true });
      browser = await launchBrowser();
      await signIn(browser, server, { emulatorAdminToken: true });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('takes a snapshot, restores it after the data and the clock changed, and deletes it', async () => {
      const w = await workspaceOf(server, 'snap-suite');
      assert.equal((await w.admin('POST', '/clock', { set: '2030-01-01T00:00:00Z' })).status, 200);
      assert.equal((await w.admin('POST', '/clock', { freeze: true })).status, 200);
      const page = await openWorkspace('snap-suite');
      const snapshots = page.getByRole('region', { name: 'Snapshots' });
      await snapshots.getByText('No snapshots yet.').waitFor();

      // A name the server refuses: its ApiFault description shows under the field, and nothing is taken.
      await snapshots.getByLabel('Snapshot name').fill('not a name!');
      await snapshots.getByRole('button', { name: 'Take snapshot' }).click();
      const refused = await w.admin('POST', '/snapshots', { name: 'not a name!' });
      assert.equal(refused.status, 400);
      await snapshots.getByText(refused.json.description, { exact: false }).waitFor();
      await shot('snapshot-name-refused', snapshots);
      assert.equal((await w.admin('GET', '/snapshots')).json.totalCount, 0);

      await snapshots.getByLabel('Snapshot name').fill('clean');
      await snapshots.getByRole('button', { name: 'Take snapshot' }).click();
      const table = snapshots.getByRole('table', { name: 'Snapshots' });
      await table.getByRole('cell', { name: 'clean', exact: true }).waitFor();
      const taken = (await w.admin('GET', '/snapshots')).json;
      assert.deepEqual(taken.items.map((s: { name: string }) => s.name), ['clean']);
      await table.getByRole('cell', { name: taken.items[0].createdAt, exact: true }).waitFor();

      // Change data and the clock behind the UI's back.
      const users = `/v1/customers/${w.customerId}/users`;
      const before = (await w.call('GET', users)).json.totalCount as number;
      const added = await w.call('POST', users, { body: { userPrincipalName: `late@${w.domain}`, displayName: 'Late', usageLocation: 'US' }, headers: { 'ms-requestid': randomUUID() } });
      assert.equal(added.status, 201, added.text);
      assert.equal((await w.admin('POST', '/clock', { advance: 'P40D' })).status, 200);
      assert.equal((await w.call('GET', users)).json.totalCount, before + 1);

      // Restore asks first; Cancel leaves everything as it is.
      await table.getByRole('button', { name: 'Restore snapshot clean' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Restore snapshot clean?' });
      await confirm.waitFor();
      await shot('snapshot-restore-confirm');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      assert.equal((await w.call('GET', users)).json.totalCount, before + 1);

      await table.getByRole('button', { name: 'Restore snapshot clean' }).click();
      await confirm.getByRole('button', { name: 'Restore' }).click();
      await snapshots.getByRole('status').getByText('Workspace restored to snapshot clean.').waitFor();
      const restored = (await w.call('GET', users)).json;
      assert.equal(restored.totalCount, before, 'the user added after the snapshot is gone');
      assert.ok(!restored.items.some((u: { displayName: string }) => u.displayName === 'Late'));
      assert.match((await w.admin('GET', '/clock')).json.now, /^2030-01-01T00:00:00/);
      // The clock panel reads the restored clock again.
      await page.getByRole('region', { name: 'Clock' }).getByTestId('clock-now').getByText('2030-01-01T00:00:00', { exact: false }).waitFor();
      await shot('snapshot-restored', snapshots);

      await table.getByRole('button', { name: 'Delete snapshot clean' }).click();
      const deleting = page.getByRole('alertdialog', { name: 'Delete snapshot clean?' });
      await deleting.getByRole('button', { name: 'Delete' }).click();
      await table.getByRole('cell', { name: 'clean', exact: true }).waitFor({ state: 'detached' });
      await snapshots.getByText('No snapshots yet.').waitFor();
      assert.equal((await w.admin('GET', '/snapshots')).json.totalCount, 0);
    });

    it('offers workspace create and reset next to the snapshots', async () => {
      const page = await openWorkspace('snap-suite');
      const w = (await server.h.request('GET', '/_tenantry/workspaces', { token: server.h.emulatorAdminToken })).json.items.find((x: { name: string }) => x.name === 'snap-suite');
      await page.getByRole('form', { name: 'Create workspace' }).getByRole('button', { name: 'Create workspace' }).waitFor();
      await page.getByRole('table', { name: 'Workspaces' }).getByRole('button', { name: 'Reset snap-suite' }).click();
      // A reset brings the clock back to real time, and the clock panel shows it.
      await page.getByRole('region', { name: 'Clock' }).getByTestId('clock-now').getByText('(running)', { exact: false }).waitFor();
      const clock = (await server.h.request('GET', `/_tenantry/workspaces/${w.id}/clock`, { token: server.h.emulatorAdminToken })).json;
      assert.equal(clock.frozen, false);
      assert.ok(Math.abs(Date.parse(clock.now) - Date.now()) < 60_000, clock.now);
    });

    it('lists the requests made through the API, narrows them by request id and status, and shows one with its answer', async () => {
      const w = await workspaceOf(server, 'journal-suite');
      const users = `/v1/customers/${w.customerId}/users`;
      const createId = randomUUID();
      const correlationId = randomUUID();
      const created = await w.call('POST', users, {
        body: { userPrincipalName: `ann@${w.domain}`, displayName: 'Ann Journal', usageLocation: 'US', passwordProfile: { password, forceChangePassword: true } },
        headers: { 'ms-requestid': createId, 'ms-correlationid': correlationId },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal((await w.call('GET', users, { headers: { 'ms-correlationid': correlationId } })).status, 200);
      // No MS-CorrelationId, and a fault asked for by header.
      assert.equal((await w.call('GET', users, { headers: { 'tenantry-fault': '404' } })).status, 404);

      const page = await openWorkspace('journal-suite');
      const journal = page.getByRole('region', { name: 'Request journal' });
      const table = journal.getByRole('table', { name: 'Recorded requests' });
      const rows = table.getByRole('row');
      const all = (await w.admin('GET', '/requests')).json;
      assert.equal(all.totalCount, 4);
      await journal.getByTestId('journal-count').getByText('Showing 4 of 4 requests').waitFor();
      assert.equal(await rows.count(), 5, 'four entries and the header row');
      await table.getByRole('cell', { name: `${users}`, exact: true }).first().waitFor();
      await shot('journal', journal);

      // A request made after the page loaded shows on Refresh.
      assert.equal((await w.call('GET', `/v1/customers/${w.customerId}`, { headers: { 'ms-correlationid': correlationId } })).status, 200);
      await journal.getByRole('button', { name: 'Refresh' }).click();
      await journal.getByTestId('journal-count').getByText('Showing 5 of 5 requests').waitFor();

      // By request id: only the create.
      await journal.getByLabel('Request id').fill(createId);
      await journal.getByRole('button', { name: 'Apply filters' }).click();
      await journal.getByTestId('journal-count').getByText('Showing 1 of 1 requests').waitFor();
      assert.equal(await rows.count(), 2);
      await table.getByRole('cell', { name: 'users.create', exact: true }).waitFor();

      // Its detail: the request with the password replaced, no Authorization, the answer pretty-printed.
      await table.getByRole('button', { name: /^Details of POST / }).click();
      const detail = page.getByRole('dialog', { name: `POST ${users}` });
      await detail.waitFor();
      const requestBody = await detail.getByRole('region', { name: 'Request body' }).locator('pre').innerText();
      assert.equal(JSON.parse(requestBody).passwordProfile.password, '***');
      assert.equal(JSON.parse(requestBody).displayName, 'Ann Journal');
      const responseBody = await detail.getByRole('region', { name: 'Response body' }).locator('pre').innerText();
      assert.match(responseBody, /\n {2}"displayName": "Ann Journal"/, 'pretty-printed JSON');
      assert.equal(JSON.parse(responseBody).id, created.json.id);
      const requestHeaders = detail.getByRole('table', { name: 'Request headers' });
      await requestHeaders.getByRole('cell', { name: 'ms-requestid', exact: true }).waitFor();
      await requestHeaders.getByRole('cell', { name: createId, exact: true }).waitFor();
      assert.equal(await requestHeaders.getByRole('cell', { name: 'authorization', exact: true }).count(), 0);
      await detail.getByRole('table', { name: 'Response headers' }).getByRole('cell', { name: 'content-type', exact: true }).waitFor();
      const text = await detail.innerText();
      assert.ok(!text.includes(w.token), 'the bearer token is not shown');
      assert.ok(!text.includes(password), 'the password is not shown');
      assert.match(text, /201/);
      await detail.getByRole('region', { name: 'Client checks' }).getByText('None tripped.').waitFor();
      await shot('journal-detail');
      await detail.getByRole('button', { name: 'Close' }).click();
      await detail.waitFor({ state: 'detached' });

      // By status: only the faulted 404, whose detail names the fault and the check it tripped.
      await journal.getByRole('button', { name: 'Clear filters' }).click();
      await journal.getByTestId('journal-count').getByText('Showing 5 of 5 requests').waitFor();
      await journal.getByLabel('Status', { exact: true }).fill('404');
      await journal.getByRole('button', { name: 'Apply filters' }).click();
      await journal.getByTestId('journal-count').getByText('Showing 1 of 1 requests').waitFor();
      assert.equal((await w.admin('GET', '/requests?status=404')).json.totalCount, 1);
      await table.getByRole('cell', { name: 'header', exact: true }).waitFor();
      await table.getByRole('cell', { name: 'noCorrelationId', exact: true }).waitFor();
      await table.getByRole('button', { name: /^Details of GET / }).click();
      const faulted = page.getByRole('dialog', { name: `GET ${users}` });
      await faulted.getByRole('region', { name: 'Fault rule' }).getByText("Tenantry-Fault header", { exact: false }).waitFor();
      await faulted.getByRole('region', { name: 'Client checks' }).getByText('Sent no MS-CorrelationId', { exact: false }).waitFor();
      const faultBody = JSON.parse(await faulted.getByRole('region', { name: 'Response body' }).locator('pre').innerText());
      assert.ok(faultBody.code !== undefined && faultBody.description, 'the fault body is shown');
      await shot('journal-faulted');
      await faulted.getByRole('button', { name: 'Close' }).click();

      // The client report sums the checks the journal holds.
      const report = (await w.admin('GET', '/client-report')).json;
      const noCorrelation = report.checks.find((c: { check: string }) => c.check === 'noCorrelationId');
      assert.ok(noCorrelation, JSON.stringify(report));
      const checks = journal.getByRole('region', { name: 'Client report' }).getByRole('table', { name: 'Client checks' });
      const row = checks.getByRole('row').filter({ hasText: 'noCorrelationId' });
      await row.getByRole('cell', { name: String(noCorrelation.count), exact: true }).waitFor();
      await row.getByRole('cell', { name: noCorrelation.explanation, exact: true }).waitFor();
      // Its examples open the entries that tripped it.
      const example = (await w.admin('GET', `/requests/${noCorrelation.exampleEntryIds[0]}`)).json;
      await row.getByRole('button', { name: 'Example 1 of noCorrelationId' }).click();
      const exampleDialog = page.getByRole('dialog', { name: `${example.method} ${example.path}` });
      await exampleDialog.getByText(example.time, { exact: true }).waitFor();
      await exampleDialog.getByRole('button', { name: 'Close' }).click();
      await exampleDialog.waitFor({ state: 'detached' });

      // The HAR download holds the filtered entries and no secret.
      const downloading = page.waitForEvent('download');
      await journal.getByRole('button', { name: 'Download HAR' }).click();
      const download = await downloading;
      assert.equal(download.suggestedFilename(), `tenantry-${w.id}.har`);
      const harText = readFileSync(await download.path(), 'utf8');
      const har = JSON.parse(harText);
      assert.equal(har.log.entries.length, 1);
      assert.equal(har.log.entries[0].response.status, 404);
      assert.ok(!harText.includes(w.token));
      assert.ok(!harText.includes(server.h.emulatorAdminToken!));
    });

    it('pages with Load more when there are more requests than a page', async () => {
      const w = await workspaceOf(server, 'paging-suite');
      const correlationId = randomUUID();
      for (let i = 0; i < 13; i++) assert.equal((await w.call('GET', `/v1/customers/${w.customerId}/users`, { headers: { 'ms-correlationid': correlationId } })).status, 200);
      const page = await openWorkspace('paging-suite');
      const journal = page.getByRole('region', { name: 'Request journal' });
      const rows = journal.getByRole('table', { name: 'Recorded requests' }).getByRole('row');
      // A filter the server refuses: its ApiFault description shows in the journal, not only at the top of the page.
      await journal.getByLabel('Since').fill('yesterday');
      await journal.getByRole('button', { name: 'Apply filters' }).click();
      const refused = await w.admin('GET', '/requests?since=yesterday');
      assert.equal(refused.status, 400, refused.text);
      await journal.getByRole('alert').getByText(refused.json.description, { exact: false }).waitFor();
      await journal.getByLabel('Since').fill('');
      await journal.getByLabel('Correlation id').fill(correlationId);
      await journal.getByLabel('Route', { exact: true }).fill('users.list');
      await journal.getByLabel('Page size').selectOption('10');
      await journal.getByRole('button', { name: 'Apply filters' }).click();
      await journal.getByTestId('journal-count').getByText('Showing 10 of 13 requests').waitFor();
      assert.equal(await rows.count(), 11);
      await shot('journal-load-more', journal);
      await journal.getByRole('button', { name: 'Load more' }).click();
      await journal.getByTestId('journal-count').getByText('Showing 13 of 13 requests').waitFor();
      assert.equal(await rows.count(), 14);
      await journal.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
      // Newest first across both pages, as the API lists them.
      const listed = (await w.admin('GET', `/requests?correlationId=${correlationId}&size=100`)).json.items.map((e: { time: string }) => e.time);
      const shown = await journal.getByRole('table', { name: 'Recorded requests' }).locator('tbody tr td:first-child').allInnerTexts();
      assert.deepEqual(shown, listed);
    });
  });
}
