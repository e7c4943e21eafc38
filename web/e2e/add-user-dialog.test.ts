/**
 * End-to-end: what a new user meets first in Customers › Users. The Add user dialog keeps every
 * box inside itself and next to its label (wide and narrow screens), and the Deleted users tab
 * shows the real number of deleted users, past one page's worth. Both stores; screenshots in test-output/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { demoDomain } from '../../src/demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../src/demo/synthetic-users.js';
import { toUserRow } from '../../src/domain/user.js';
import { storeFactories } from '../../src/test-support/stores.js';
import { launchBrowser, screenshot, startUiServer, type Browser, type UiServer } from './browser.js';

/** More than the 100 one list page holds: the count must not stop at a page. */
const deletedUsers = 137;

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  assert.ok(b, 'the element is on screen');
  return b;
}

/** Waits until every running animation on the page has finished or been cancelled. */
async function settleAnimations(page: Page) {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
}

/** Asserts the dialog's user-name input and domain select lie inside the dialog's content. */
async function assertInside(page: Page, dialog: Locator) {
  // The dialog opens with a scale animation; measured mid-way, the surface and a box inside it
  // would be read at different scales.
  await settleAnimations(page);
  const surface = await box(dialog);
  for (const name of ['User name (before the @)', 'Domain']) {
    const b = await box(dialog.getByLabel(name, { exact: true }));
    assert.ok(b.x >= surface.x && b.x + b.width <= surface.x + surface.width, `${name} [${b.x}, ${b.x + b.width}] lies within the dialog [${surface.x}, ${surface.x + surface.width}]`);
  }
  const overflow = await page.evaluate(() => {
    const el = document.querySelector('[role=dialog]')!;
    return el.scrollWidth - el.clientWidth;
  });
  assert.ok(overflow <= 0, `the dialog scrolls sideways by ${overflow}px`);
}

for (const factory of storeFactories) {
  describe(`Add user dialog and deleted-user count on ${factory.name}`, () => {
    let server: UiServer;
    let browser: Browser;
    const usersUrl = () => `${server.baseUrl}/customers/${server.h.customerId}/users`;

    before(async () => {
      server = await startUiServer(factory);
      const deletedAt = new Date().toISOString();
      const rows = syntheticUsers(server.h.customerId, demoDomain, 0, deletedUsers).map((row) => ({
        row: toUserRow({ ...row, state: 'inactive', softDeletionTime: deletedAt }),
        passwordHash: unusablePasswordHash,
      }));
      await server.h.store.insertUsers(rows);
      browser = await launchBrowser();
      const res = await server.h.request('POST', '/auth/signin', { token: null, body: { userName: server.userName, password: server.password } });
      assert.equal(res.status, 200, res.text);
      await browser.page.goto(`${server.baseUrl}/signin`);
      await browser.page.evaluate((session) => sessionStorage.setItem('tenantry.session', JSON.stringify(session)), res.json);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('keeps the user name and domain inside the Add user dialog and each box right under its label', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.getByLabel('Display name').waitFor();
      await assertInside(page, dialog);
      // Each field's label and the first box of its field (the box a person types into).
      const pairs = await dialog.evaluate((el) =>
        [...el.querySelectorAll('label')].flatMap((label) => {
          const control = label.parentElement?.querySelector('input, select, button[role=combobox]');
          if (!control) return [];
          const l = label.getBoundingClientRect();
          const c = control.getBoundingClientRect();
          return [{ label: label.textContent ?? '', lx: l.x, lBottom: l.bottom, cx: c.x, cy: c.y }];
        }),
      );
      assert.deepEqual(pairs.map((p) => p.label.replace(/\s*\*$/, '')), ['First name', 'Last name', 'Display name', 'User name', 'Usage location']);
      for (const p of pairs) {
        assert.ok(Math.abs(p.cx - p.lx) <= 2, `${p.label}: the box starts at x=${p.cx}, its label at x=${p.lx}`);
        const gap = p.cy - p.lBottom;
        assert.ok(gap >= 0 && gap <= 8, `${p.label}: the box is ${gap}px below its label`);
      }
      await screenshot(page, `${factory.name}-add-user-dialog`);
      await page.setViewportSize({ width: 390, height: 844 });
      await assertInside(page, dialog);
      await screenshot(page, `${factory.name}-add-user-dialog-narrow`);
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('shows the real number of deleted users on the Deleted users tab, past one page', async () => {
      const { page } = browser;
      await page.goto(usersUrl());
      await page.getByRole('tab', { name: `Deleted users (${deletedUsers})` }).waitFor();
      const count = await server.h.request('GET', `/v1/customers/${server.h.customerId}/users/count?state=inactive`);
      assert.deepEqual(count.json, { count: deletedUsers });
      await screenshot(page, `${factory.name}-deleted-count`);
    });
  });
}
