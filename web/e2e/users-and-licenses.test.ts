/**
 * End-to-end: Customers › Users and licenses in Chromium against the real server on both stores.
 * Every test leaves a screenshot in test-output/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { demoDomain } from '../../src/demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../src/demo/synthetic-users.js';
import { passwordPolicyViolation } from '../../src/domain/password-policy.js';
import { PartnerAccountService } from '../../src/services/partner-account-service.js';
import { toUserRow } from '../../src/domain/user.js';
import { maxScannedUsers } from '../../src/schemas/customer-user.js';
import { storeFactories, testCustomer } from '../../src/test-support/stores.js';
import { launchBrowser, screenshot, startUiServer, type Browser, type UiServer } from './browser.js';

/** 120 synthetic users plus the two demo users: three pages of 50. */
const extraUsers = 120;

for (const factory of storeFactories) {
  describe(`web UI on ${factory.name}`, () => {
    let server: UiServer;
    let browser: Browser;
    const shot = (name: string) => screenshot(browser.page, `${factory.name}-${name}`);
    const usersUrl = () => `${server.baseUrl}/customers/${server.h.customerId}/users`;
    // Loaded rows only: while a page loads the table is aria-busy and shows placeholder rows.
    const rows = () => browser.page.locator('table[aria-label="Users"][aria-busy="false"] tbody tr');
    const deletedRows = () => browser.page.locator('table[aria-label="Deleted users"][aria-busy="false"] tbody tr');

    /** Shows one user by searching its user name (sorted by user name; the search finds it inside the name). */
    const findUser = async (upn: string) => {
      await browser.page.goto(`${usersUrl()}?sort=userPrincipalName&q=${encodeURIComponent(upn)}`);
      await browser.page.getByRole('cell', { name: upn, exact: true }).waitFor();
    };

    before(async () => {
      server = await startUiServer(factory);
      const rowsToAdd = syntheticUsers(server.h.customerId, demoDomain, 0, extraUsers).map((row) => ({ row, passwordHash: unusablePasswordHash }));
      await server.h.store.insertUsers(rowsToAdd);
      browser = await launchBrowser();
    });
    // Every test but the sign-in one starts signed in, so each can also run alone.
    beforeEach(async (t) => {
      if (t.name.startsWith('sends a signed-out visitor')) return;
      const { page } = browser;
      if (!page.url().startsWith(server.baseUrl)) await page.goto(`${server.baseUrl}/signin`);
      if (await page.evaluate(() => Boolean(sessionStorage.getItem('tenantry.session')))) return;
      const res = await server.h.request('POST', '/auth/signin', { token: null, body: { userName: server.userName, password: server.password } });
      assert.equal(res.status, 200, res.text);
      await page.evaluate((session) => sessionStorage.setItem('tenantry.session', JSON.stringify(session)), res.json);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('sends a signed-out visitor to sign-in, explains a wrong password, then returns to the page asked for', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.waitForURL(/\/signin\?return=/);
      await page.getByLabel('User name').fill(server.userName);
      await page.getByLabel('Password').fill('Wr0ng!password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('The user name or password is incorrect.').waitFor();
      await shot('signin-error');
      await page.getByLabel('Password').fill(server.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Users and licenses' }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/customers/${server.h.customerId}/users`);
      await page.getByText(server.userName).waitFor();
    });

    it('lists customers and searches them by company name and domain prefix', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/customers`);
      const table = page.getByRole('table', { name: 'Customers' });
      await table.getByRole('link', { name: 'DT Demo CSP Customer 005' }).waitFor();
      await page.getByRole('searchbox', { name: 'Search customers by company name' }).fill('nothing like it');
      await page.keyboard.press('Enter');
      await page.getByText('No customer\'s company name starts with “nothing like it”.').waitFor();
      await page.getByLabel('Search by').selectOption('domain');
      await page.getByRole('searchbox', { name: 'Search customers by domain' }).fill('dtdemo');
      await page.keyboard.press('Enter');
      await table.getByRole('link', { name: 'DT Demo CSP Customer 005' }).waitFor();
      assert.match(page.url(), /by=domain/);
      assert.match(page.url(), /q=dtdemo/);
      await shot('customers');
      await table.getByRole('link', { name: 'DT Demo CSP Customer 005' }).click();
      await page.getByRole('heading', { name: 'Users and licenses' }).waitFor();
    });

    it('pages through users with Next and Previous, and keeps the position on reload and Back', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByText('Page 1').waitFor();
      await rows().nth(49).waitFor();
      assert.equal(await rows().count(), 50);
      const firstOnPage1 = await rows().first().locator('td').nth(2).textContent();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('Page 2').waitFor();
      assert.match(page.url(), /[?&]at=/);
      await page.waitForFunction((first) => document.querySelector('tbody tr td:nth-child(3)')?.textContent !== first, firstOnPage1);
      const firstOnPage2 = await rows().first().locator('td').nth(2).textContent();
      await page.reload();
      await page.getByText('Page 2').waitFor();
      await page.getByRole('cell', { name: firstOnPage2!, exact: true }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('Page 3').waitFor();
      await rows().first().waitFor();
      assert.equal(await rows().count(), 22);
      assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
      await page.getByRole('button', { name: 'Previous' }).click();
      await page.getByText('Page 2').waitFor();
      await page.goBack();
      await page.getByText('Page 3').waitFor();
      await page.goBack();
      await page.goBack();
      await page.getByText('Page 1').waitFor();
      await page.getByRole('cell', { name: firstOnPage1!, exact: true }).waitFor();
      await shot('users-paging');
    });

    it('fills a page of a two-letter search from past where the server ends its pages early', async () => {
      const { page } = browser;
      const wide = testCustomer(server.h.partnerId, 'Wide');
      await server.h.store.insertCustomer(wide, []);
      const users = syntheticUsers(wide.id, wide.domain, 0, maxScannedUsers + 1000);
      // Sorted as the list is, the 4th user and the two just past the server's first bound contain "qj".
      const byName = [...users].sort((a, b) => (a.displayNameKey < b.displayNameKey ? -1 : a.displayNameKey > b.displayNameKey ? 1 : a.id < b.id ? -1 : 1));
      const marked = new Map([3, maxScannedUsers, maxScannedUsers + 1].map((i) => [byName[i].id, `${byName[i].displayName} Qj`]));
      await server.h.store.insertUsersBulk([users.map((row) => (marked.has(row.id) ? toUserRow({ ...row, displayName: marked.get(row.id)! }) : row))], unusablePasswordHash);
      await page.goto(`${server.baseUrl}/customers/${wide.id}/users?q=qj`);
      await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Users"][aria-busy="false"] tbody tr').length === n, marked.size);
      assert.deepEqual(await rows().locator('td:nth-child(2)').allTextContents(), [...marked.values()]);
      assert.equal(await page.getByRole('navigation', { name: 'Users pages' }).getByRole('button', { name: 'Next' }).isDisabled(), true, 'every match is on this page');
      await shot('users-short-search');
    });

    it('searches and sorts users on the server, with the choice in the URL', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByRole('searchbox', { name: 'Search users by display name' }).fill('Ada');
      await page.keyboard.press('Enter');
      await page.waitForURL(/q=Ada/);
      // "Contains" by default, in any case: "Ben Adams 1" is found as well as "Ada …".
      await page.waitForFunction(() => {
        const names = [...document.querySelectorAll('tbody tr td:nth-child(2)')].map((td) => td.textContent ?? '');
        return names.length > 0 && names.every((n) => n.toLowerCase().includes('ada')) && names.some((n) => !n.startsWith('Ada'));
      });
      await shot('users-contains');
      await page.getByLabel('Search mode').selectOption('startsWith');
      await page.waitForURL(/match=prefix/);
      await page.waitForFunction(() => {
        const names = [...document.querySelectorAll('tbody tr td:nth-child(2)')].map((td) => td.textContent ?? '');
        return names.length > 0 && names.every((n) => n.startsWith('Ada'));
      });
      await page.getByRole('button', { name: 'User name' }).click();
      await page.waitForURL(/sort=userPrincipalName/);
      await page.getByRole('button', { name: 'User name' }).click();
      await page.waitForURL(/dir=desc/);
      await page.waitForFunction(() => {
        const upns = [...document.querySelectorAll('tbody tr td:nth-child(3)')].map((td) => td.textContent ?? '');
        return upns.length > 1 && upns.every((u, i) => i === 0 || upns[i - 1] >= u);
      });
      assert.equal(await page.getByRole('columnheader', { name: 'User name' }).getAttribute('aria-sort'), 'descending');
      await shot('users-sorted');
    });

    it('adds a user with the wizard and shows the temporary password once, with copy', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.getByRole('button', { name: 'Next' }).click();
      await dialog.getByText('Enter a display name.').waitFor();
      await dialog.getByLabel('First name').fill('Grace');
      await dialog.getByLabel('Last name').fill('Hopper');
      await dialog.getByLabel('Display name').fill('Grace Hopper');
      await dialog.getByLabel('User name (before the @)').fill('grace.hopper');
      await dialog.getByRole('combobox', { name: 'Usage location' }).click();
      await page.getByRole('option', { name: 'United States', exact: true }).click();
      await dialog.getByRole('button', { name: 'Next' }).click();
      await dialog.getByRole('checkbox', { name: 'User Account Administrator' }).check();
      await shot('add-user-roles');
      await dialog.getByRole('button', { name: 'Next' }).click();
      await dialog.getByRole('checkbox', { name: 'Microsoft 365 E3 — 5 of 5 available' }).check();
      await shot('add-user-licenses');
      await dialog.getByRole('button', { name: 'Next' }).click();
      await dialog.getByText(`grace.hopper@${demoDomain}`).waitFor();
      await dialog.getByText('User Account Administrator').waitFor();
      await dialog.getByText('Microsoft 365 E3').waitFor();
      await shot('add-user-review');
      await dialog.getByRole('button', { name: 'Complete' }).click();
      const secret = dialog.getByTestId('secret');
      await secret.waitFor();
      const password = (await secret.textContent()) ?? '';
      assert.equal(passwordPolicyViolation(password), undefined, `temporary password ${password}`);
      await dialog.getByRole('button', { name: /Copy temporary password/i }).waitFor();
      await shot('add-user-password');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('status').getByText(`Added grace.hopper@${demoDomain}.`).waitFor();
      await findUser(`grace.hopper@${demoDomain}`);
      assert.equal(await rows().count(), 1);
      assert.equal(await rows().first().locator('td').nth(5).textContent(), 'US');
      await rows().first().locator('td').nth(4).getByText('Microsoft 365 E3').waitFor();
      const id = (await server.h.request('GET', `/v1/customers/${server.h.customerId}/users?filter=${encodeURIComponent(JSON.stringify({ Field: 'UserPrincipalName', Value: `grace.hopper@${demoDomain}`, Operator: 'equals' }))}`)).json.items[0].id;
      const roles = await server.h.request('GET', `/v1/customers/${server.h.customerId}/users/${id}/directoryroles`);
      assert.deepEqual(roles.json.items.map((r: { name: string }) => r.name), ['User Account Administrator']);
    });

    it('shows each user\'s licenses and edits a user\'s info, roles and licenses together', async () => {
      const { page } = browser;
      await findUser(`Daniel@${demoDomain}`);
      await rows().first().locator('td').nth(4).getByText('Enterprise Mobility + Security E3').waitFor();
      await page.getByRole('checkbox', { name: 'Select Daniel Tsai' }).check();
      await page.getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit Daniel Tsai' });
      await dialog.getByLabel('Display name').fill('Daniel Tsai (IT)');
      await dialog.getByRole('tab', { name: 'Roles' }).click();
      await dialog.getByRole('checkbox', { name: 'Helpdesk Administrator' }).check();
      await dialog.getByRole('tab', { name: 'Licenses' }).click();
      await dialog.getByRole('checkbox', { name: /^Enterprise Mobility \+ Security E3/ }).uncheck();
      await dialog.getByRole('checkbox', { name: /^Exchange Online \(Plan 1\)/ }).check();
      await shot('edit-licenses');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').getByText(`Saved Daniel@${demoDomain}.`).waitFor();
      await findUser(`Daniel@${demoDomain}`);
      await rows().first().getByRole('cell', { name: 'Daniel Tsai (IT)', exact: true }).waitFor();
      await rows().first().locator('td').nth(4).getByText('Exchange Online (Plan 1)', { exact: true }).waitFor();
      const userId = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
      const roles = await server.h.request('GET', `/v1/customers/${server.h.customerId}/users/${userId}/directoryroles`);
      assert.deepEqual(roles.json.items.map((r: { name: string }) => r.name), ['Helpdesk Administrator']);
      const licenses = await server.h.request('GET', `/v1/customers/${server.h.customerId}/users/${userId}/licenses`);
      assert.deepEqual(licenses.json.items.map((l: { productSku: { name: string } }) => l.productSku.name), ['Exchange Online (Plan 1)']);
      await shot('edited');
    });

    it('uploads users from CSV: template, every bad row explained, save, results with passwords', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByRole('button', { name: 'Upload users' }).click();
      const dialog = page.getByRole('dialog', { name: 'Upload users' });
      const [template] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download template (.csv)' }).click()]);
      const templateText = readFileSync((await template.path())!, 'utf8');
      assert.match(templateText, /^First name,Last name,Display name,Email,Status update\n/);

      const header = 'First name,Last name,Display name,Email,Status update\n';
      const bad = `${header}Ok,Row,Ok Row,ok.row@${demoDomain},\nNo,Email,No Email,,\nWrong,Domain,Wrong Domain,wrong@example.com,\nTwice,Again,Twice Again,ok.row@${demoDomain},\n,,,daniel@${demoDomain},\n`;
      await dialog.locator('input[type=file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await dialog.getByText('4 of 5 rows need fixing.', { exact: false }).waitFor();
      await dialog.getByRole('cell', { name: 'Email is required' }).waitFor();
      await dialog.getByRole('cell', { name: `Email must end in @${demoDomain}` }).waitFor();
      await dialog.getByRole('cell', { name: 'Email repeats line 2' }).waitFor();
      await dialog.getByRole('cell', { name: `Display name is required; a user named daniel@${demoDomain} already exists` }).waitFor();
      assert.equal(await dialog.getByRole('button', { name: 'Save' }).isDisabled(), true);
      await shot('upload-invalid');

      const good = `${header}Alan,Turing,Alan Turing,alan.turing@${demoDomain},\n,,Katherine Johnson,katherine.johnson@${demoDomain},\n`;
      await dialog.locator('input[type=file]').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await dialog.getByText('All 2 rows are valid.', { exact: false }).waitFor();
      await dialog.getByRole('combobox', { name: 'Usage location for all these users' }).click();
      await page.getByRole('option', { name: 'United Kingdom', exact: true }).click();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('2 of 2 users were created.').waitFor();
      const [results] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download results (.csv)' }).click()]);
      const lines = readFileSync((await results.path())!, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'First name,Last name,Display name,Email,Status update,Temporary password');
      assert.equal(lines.length, 3);
      for (const line of lines.slice(1)) {
        const cells = line.split(',');
        assert.equal(cells[4], 'Created');
        assert.equal(passwordPolicyViolation(cells[5]), undefined);
      }
      await shot('upload-saved');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await findUser(`katherine.johnson@${demoDomain}`);
      assert.equal(await rows().first().locator('td').nth(5).textContent(), 'GB');
    });

    it('resets a password and shows the new temporary password once', async () => {
      const { page } = browser;
      await findUser(`Daniel@${demoDomain}`);
      await page.getByRole('checkbox', { name: 'Select Daniel Tsai' }).check();
      await page.getByRole('button', { name: 'Reset password' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Reset password' });
      await dialog.getByRole('button', { name: 'Reset password' }).click();
      const secret = dialog.getByTestId('secret');
      await secret.waitFor();
      assert.equal(passwordPolicyViolation((await secret.textContent()) ?? ''), undefined);
      await shot('reset-password');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
    });

    it('deletes a user after confirmation and restores it from Deleted users', async () => {
      const { page } = browser;
      const upn = `alan.turing.deleted@${demoDomain}`;
      const created = await server.h.request('POST', `/v1/customers/${server.h.customerId}/users`, { body: { userPrincipalName: upn, displayName: 'Alan Turing' } });
      assert.equal(created.status, 201, created.text);
      await findUser(upn);
      await page.getByRole('checkbox', { name: 'Select Alan Turing' }).check();
      await page.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete user' });
      await confirm.getByText(`Delete Alan Turing (${upn})?`).waitFor();
      await shot('delete-confirm');
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('status').getByText('Deleted 1 user.', { exact: false }).waitFor();
      await page.getByText(`No user's user name contains “${upn}”.`).waitFor();

      await page.getByRole('tab', { name: 'Deleted users (1)' }).click();
      await page.waitForURL(/view=deleted/);
      await deletedRows().first().waitFor();
      assert.equal(await deletedRows().count(), 1);
      await page.getByRole('checkbox', { name: 'Select Alan Turing' }).check();
      assert.equal(await page.getByRole('button', { name: 'Restore' }).isEnabled(), true);
      await shot('deleted-users');
      await page.getByRole('button', { name: 'Restore' }).click();
      await page.getByRole('status').getByText('Restored 1 user.').waitFor();
      await page.getByRole('tab', { name: 'Deleted users (0)' }).waitFor();
      await page.getByText('There are no deleted users.').waitFor();
      await findUser(upn);
    });

    it('shows an API fault with its description', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.getByLabel('Display name').fill('Second Daniel');
      await dialog.getByLabel('User name (before the @)').fill('daniel');
      for (const step of ['Roles', 'Licenses', 'Review']) {
        await dialog.getByRole('button', { name: 'Next' }).click();
        await dialog.locator('[aria-current="step"]', { hasText: step }).waitFor();
      }
      await dialog.getByRole('button', { name: 'Complete' }).click();
      await dialog.getByRole('alert').getByText(`A user with the user principal name daniel@${demoDomain} already exists in this customer.`).waitFor();
      await shot('fault');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('fits a narrow screen', async () => {
      const { page } = browser;
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(usersUrl());
      await rows().first().waitFor();
      await page.getByRole('button', { name: 'Add user' }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px; only the table may`);
      await shot('narrow');
      await page.setViewportSize({ width: 1280, height: 860 });
    });

    it('ends an expired session with an explanation and signs back in to the same page', async () => {
      const { page } = browser;
      const url = `${usersUrl()}?sort=userPrincipalName`;
      await page.goto(url);
      await rows().first().waitFor();
      // A token the server no longer accepts, as after expiry or a key roll-over.
      await page.evaluate(() => {
        const s = JSON.parse(sessionStorage.getItem('tenantry.session')!);
        sessionStorage.setItem('tenantry.session', JSON.stringify({ ...s, accessToken: `${s.accessToken}x` }));
      });
      await page.reload();
      await page.getByText('Your session has expired.', { exact: false }).waitFor();
      await shot('session-expired');
      await page.getByLabel('User name').fill(server.userName);
      await page.getByLabel('Password').fill(server.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await rows().first().waitFor();
      assert.equal(page.url(), url);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
    });

    it('offers a helpdesk account only what its role allows', async () => {
      const { page } = browser;
      await new PartnerAccountService(server.h.store).add({ partnerId: server.h.partnerId, userName: 'helpdesk@partner.example', roles: ['HelpdeskAgent'], password: 'Helpd3sk!pass' });
      await page.goto(`${server.baseUrl}/signin`);
      await page.getByLabel('User name').fill('helpdesk@partner.example');
      await page.getByLabel('Password').fill('Helpd3sk!pass');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Customers' }).waitFor();
      await findUser(`Daniel@${demoDomain}`);
      await page.getByText('Your role does not allow adding, editing or deleting users.').waitFor();
      await page.getByRole('checkbox', { name: /^Select Daniel Tsai/ }).check();
      assert.equal(await page.getByRole('button', { name: 'Add user' }).isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Delete' }).isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Edit' }).isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Reset password' }).isEnabled(), true);
      await shot('helpdesk');
      await page.getByRole('button', { name: 'Sign out' }).click();
    });
  });
}
