/**
 * `startTenantry()` from vitest (the README's example for vitest users), run by `npm test` through
 * `vitest run`. Skipped while the source has no src/server/emulator/plugin.ts (the control plane).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTenantry, type Tenantry } from './index.js';

// Loaded from a fixture and restored from snapshots: skipped while the server lacks either.
const built = (file: string) => existsSync(fileURLToPath(new URL(`../services/emulator/${file}`, import.meta.url)));
const fixturesBuilt = built('fixture-loader.ts') && built('snapshot-service.ts');

describe.skipIf(!fixturesBuilt)('startTenantry from vitest', () => {
  let tenantry: Tenantry;

  beforeAll(async () => {
    tenantry = await startTenantry({
      seed: 'vitest-suite',
      fixture: { customers: [{ companyName: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com', users: [{ userPrincipalName: 'eve@fabrikam.onmicrosoft.com', displayName: 'Eve', usageLocation: 'GB' }] }] },
    });
    await tenantry.snapshot('loaded');
  });
  beforeEach(() => tenantry.restore('loaded'));
  afterAll(() => tenantry?.stop());

  const fabrikam = async () => tenantry.client.customers.byId((await tenantry.client.customers.get()).items[0].id);

  it('gives a client signed in to a workspace with the fixture', async () => {
    const users = await (await fabrikam()).users.get();
    expect(users.items.map((u) => u.userPrincipalName)).toEqual(['eve@fabrikam.onmicrosoft.com']);
  });

  it('starts every test from the snapshot', async () => {
    const customer = await fabrikam();
    await customer.users.create({ userPrincipalName: 'fay@fabrikam.onmicrosoft.com', displayName: 'Fay', usageLocation: 'GB' });
    expect((await customer.users.get()).totalCount).toBe(2);
  });

  it('does not see what the previous test created', async () => {
    expect((await (await fabrikam()).users.get()).totalCount).toBe(1);
  });

  it('moves the workspace clock', async () => {
    await tenantry.clock.set('2027-06-01T00:00:00Z');
    const { now } = await tenantry.clock.advance('P30D');
    expect(Date.parse(now)).toBeGreaterThanOrEqual(Date.parse('2027-07-01T00:00:00Z'));
    await tenantry.reset();
  });
});

// Keeps the file meaningful (and vitest's count honest) before the control plane exists.
it('startTenantry is a function exported by tenantry/testing', () => {
  expect(typeof startTenantry).toBe('function');
});
