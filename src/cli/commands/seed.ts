/**
 * `tenantry seed`: loads synthetic users straight into either store, for benchmarks and load
 * tests. It bypasses the API (and scrypt: seeded users get an unusable password hash), so a
 * million users load in seconds.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsersInKeyOrder, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { CustomerRecord } from '../../domain/customer.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { guidPattern } from '../../domain/guid.js';

export interface SeedOptions {
  partnerId: string;
  /** The first customer's id; further customers get fresh ids. */
  customerId: string;
  usersPerCustomer: number;
  customers: number;
  /**
   * Users generated at a time (all of a customer's users load in one transaction). Small batches
   * die young in V8's new space: at 1 M users on SQLite, 2,000-row batches cost ~8.9 s of CPU,
   * 5,000-row ones ~10.8 s.
   */
  batchSize?: number;
  onProgress?: (written: number) => void;
}

export interface SeedResult {
  customerIds: string[];
  users: number;
  seconds: number;
  usersPerSecond: number;
}

/** A customer for seeded users; its domain derives from its id so it never clashes. */
function seedCustomer(partnerId: string, id: string): CustomerRecord {
  const name = `Seed ${id.slice(0, 8)}`;
  return {
    partnerId,
    id,
    commerceId: randomUUID(),
    domain: `seed${id.slice(0, 8)}.onmicrosoft.com`,
    companyName: name,
    customDomains: [],
    billingProfile: { companyName: name, culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } },
    createdAt: '2026-01-01T00:00:00Z',
  };
}

/**
 * Creates the customers that are missing and appends `usersPerCustomer` users to each. Users are
 * numbered after those a customer already has, so a second run adds users rather than clashing.
 *
 * @example
 * const result = await seedUsers(store, { partnerId, customerId, usersPerCustomer: 1_000_000, customers: 1 });
 * console.log(`${result.usersPerSecond} users/s`);
 */
export async function seedUsers(store: Store, options: SeedOptions): Promise<SeedResult> {
  const batchSize = options.batchSize ?? 2_000;
  const started = performance.now();
  const customerIds = [options.customerId, ...Array.from({ length: options.customers - 1 }, () => randomUUID())];
  let written = 0;
  for (const id of customerIds) {
    let customer = await store.findCustomer(options.partnerId, id);
    if (!customer) {
      customer = seedCustomer(options.partnerId, id);
      if (!(await store.insertCustomer(customer, []))) throw new Error(`Could not create customer ${id}: its domain ${customer.domain} is taken`);
    }
    const existing = (await store.countUsers(id, 'active')) + (await store.countUsers(id, 'inactive'));
    const { domain } = customer;
    const total = options.usersPerCustomer;
    const base = written;
    // Rows are made one batch at a time as the store pulls them, so memory holds one batch; they
    // come in key order (display name, with ascending ids) so every B-tree is filled in order.
    function* batches() {
      let done = 0;
      for (const rows of syntheticUsersInKeyOrder(id, domain, existing, total, batchSize)) {
        if (done > 0) options.onProgress?.(base + done);
        yield rows;
        done += rows.length;
      }
    }
    written += await store.insertUsersBulk(batches(), unusablePasswordHash);
    options.onProgress?.(written);
  }
  const seconds = (performance.now() - started) / 1000;
  return { customerIds, users: written, seconds, usersPerSecond: Math.round(written / seconds) };
}

export function registerSeedCommand(program: Command) {
  program
    .command('seed')
    .description('Load synthetic users straight into the database (benchmarks, load tests)')
    .requiredOption('--database <url>', 'sqlite:PATH or postgres://…')
    .requiredOption('--customer <id>', 'customer tenant id (GUID); created when missing')
    .requiredOption('--users <n>', 'users to add to each customer')
    .option('--customers <c>', 'how many customers to fill (the first is --customer)', '1')
    .option('--partner <tenantId>', 'partner owning new customers (default: the demo partner)', demoPartnerId)
    .addHelpText('after', '\nExample:\n  tenantry seed --database sqlite:./data/big.db --customer 0c39d6d5-c70d-4c55-bc02-f620844f3fd1 --users 1000000\n')
    .action(async (opts) => {
      const customerId = String(opts.customer).toLowerCase();
      const partnerId = String(opts.partner).toLowerCase();
      const users = Number(opts.users);
      const customers = Number(opts.customers);
      if (!guidPattern.test(customerId)) throw new Error('--customer must be a GUID');
      if (!guidPattern.test(partnerId)) throw new Error('--partner must be a GUID');
      if (!Number.isInteger(users) || users < 0) throw new Error('--users must be a whole number');
      if (!Number.isInteger(customers) || customers < 1) throw new Error('--customers must be a whole number of at least 1');
      const store = openStore(opts.database);
      try {
        await store.migrate();
        const tty = process.stderr.isTTY;
        const result = await seedUsers(store, {
          partnerId,
          customerId,
          usersPerCustomer: users,
          customers,
          onProgress: tty ? (n) => process.stderr.write(`\r${n.toLocaleString('en-US')} users`) : undefined,
        });
        if (tty) process.stderr.write('\n');
        process.stdout.write(
          `seeded ${result.users} users in ${result.customerIds.length} customer(s) in ${result.seconds.toFixed(2)} s: ${result.usersPerSecond} users/s\n` +
            `customers: ${result.customerIds.join(' ')}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
