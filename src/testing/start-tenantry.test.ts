/**
 * `startTenantry()` from node:test, as a partner engineer's suite uses it: one emulator for the
 * file, a workspace loaded with a fixture, snapshots, the clock, a second workspace, stop().
 * Needs `npm run build` (the harness starts the compiled CLI). The tests that need the emulator's
 * control plane are marked todo while the source has no src/server/emulator/plugin.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTenantry, type Fixture, type Tenantry } from './index.js';

// The suite's workspace is loaded from a fixture and restored from snapshots: until the server
// loads fixtures (issue 11's fixture loader), these tests are todo.
const fixturesBuilt = existsSync(fileURLToPath(new URL('../services/emulator/fixture-loader.ts', import.meta.url)));
const needsEmulator = fixturesBuilt ? {} : { todo: 'needs workspace fixtures and snapshots in the control plane' };

const fixture: Fixture = {
  customers: [
    {
      companyName: 'Contoso',
      domain: 'contoso.onmicrosoft.com',
      users: [
        { userPrincipalName: 'ann@contoso.onmicrosoft.com', displayName: 'Ann', usageLocation: 'US' },
        { userPrincipalName: 'bob@contoso.onmicrosoft.com', displayName: 'Bob', usageLocation: 'US' },
      ],
    },
  ],
};

// Started by the first test that needs it (not in a hook, so that without the control plane each
// test reports its own todo failure).
let started: Promise<Tenantry> | undefined;
const harness = () => (started ??= startTenantry({ fixture, seed: 'node-test-suite' }));
after(async () => {
  if (started) await (await started.catch(() => undefined))?.stop();
});

async function contoso(tenantry: Tenantry) {
  const [customer] = (await tenantry.client.customers.get()).items;
  return tenantry.client.customers.byId(customer.id);
}

describe('startTenantry', () => {
  it("answers a client signed in to the suite's workspace, loaded with the fixture", needsEmulator, async () => {
    const tenantry = await harness();
    const customers = await tenantry.client.customers.get();
    assert.deepEqual(customers.items.map((c) => c.companyProfile.companyName), ['Contoso']);
    const users = await (await contoso(tenantry)).users.get();
    assert.deepEqual(users.items.map((u) => u.displayName).sort(), ['Ann', 'Bob']);
  });

  it('restore undoes a user created after the snapshot', needsEmulator, async () => {
    const tenantry = await harness();
    const customer = await contoso(tenantry);
    await tenantry.snapshot('two-users');
    await customer.users.create({ userPrincipalName: 'cy@contoso.onmicrosoft.com', displayName: 'Cy', usageLocation: 'US' });
    assert.equal((await customer.users.get()).totalCount, 3);
    await tenantry.restore('two-users');
    assert.equal((await customer.users.get()).totalCount, 2);
  });

  it('reset brings the workspace back to its fixture', needsEmulator, async () => {
    const tenantry = await harness();
    const customer = await contoso(tenantry);
    await customer.users.create({ userPrincipalName: 'dee@contoso.onmicrosoft.com', displayName: 'Dee', usageLocation: 'US' });
    await tenantry.reset();
    assert.equal((await (await contoso(tenantry)).users.get()).totalCount, 2);
  });

  it('the workspace clock is set, frozen and advanced', needsEmulator, async () => {
    const tenantry = await harness();
    // Frozen first: a clock set while running has moved on a few ms by the time it is frozen.
    await tenantry.clock.freeze();
    const frozen = await tenantry.clock.set('2027-01-01T00:00:00Z');
    assert.equal(frozen.frozen, true);
    assert.equal(Date.parse(frozen.now), Date.parse('2027-01-01T00:00:00Z'));
    const later = await tenantry.clock.advance('P1D');
    assert.equal(Date.parse(later.now), Date.parse('2027-01-02T00:00:00Z'));
    await tenantry.reset();
  });

  it("a new workspace on the same server sees none of the suite workspace's customers", needsEmulator, async () => {
    const tenantry = await harness();
    const other = await tenantry.newWorkspace({ name: 'other' });
    try {
      assert.notEqual(other.id, tenantry.workspace.id);
      assert.equal((await other.client.customers.get()).totalCount, 0);
    } finally {
      await other.delete();
    }
  });

  it('stop ends the server process', needsEmulator, async () => {
    const tenantry = await startTenantry();
    await tenantry.stop();
    await assert.rejects(fetch(`${tenantry.url}/healthz`));
    await tenantry.stop(); // twice is harmless
  });

  it('a server that cannot start is reported with its exit code and its own error output', async () => {
    await assert.rejects(startTenantry({ database: 'nosuch:x' }), /tenantry serve exited \(code 1\) before printing its JSON line\nstderr: \S/);
  });
});
