/**
 * `tenantry keys rotate` and `tenantry keys list`: roll the server's token-signing key over
 * without downtime. The new key signs at once; the old ones keep verifying for a grace period.
 */
import type { Command } from 'commander';
import { TokenService } from '../../auth/token-service.js';
import { defaultConfig } from '../../server/config.js';
import { defaultDatabaseUrl, openStore } from '../../store/open-store.js';
import type { SigningKey, Store } from '../../store/store.js';
import { parseDuration } from './server-commands.js';

const databaseUrl = (flag?: string) => flag ?? process.env.TENANTRY_DATABASE_URL ?? defaultDatabaseUrl;

/**
 * Adds a signing key and schedules the retirement of the keys it replaces.
 *
 * @example
 * const { kid, retiredAt } = await rotateKeys(store, 3600_000);
 */
export async function rotateKeys(store: Store, retireAfterMs: number): Promise<{ kid: string; retiredAt: string; retired: string[] }> {
  const before = (await store.listSigningKeys()).filter((k) => !k.retiredAt).map((k) => k.kid);
  const tokens = new TokenService(store, process.env.TENANTRY_ISSUER ?? defaultConfig.issuer);
  const retiredAt = new Date(Date.now() + retireAfterMs).toISOString();
  const kid = await tokens.rotate({ retireAfterMs });
  return { kid, retiredAt, retired: before };
}

/** One line per key: kid, created, and when it stops (or stopped) verifying. */
export function describeKeys(keys: SigningKey[], now = Date.now()): string {
  const active = keys.filter((k) => !k.retiredAt);
  const signing = active[active.length - 1]?.kid;
  return keys
    .map((k) => {
      const state = k.kid === signing ? 'signing' : !k.retiredAt ? 'verifying' : Date.parse(k.retiredAt) > now ? `verifying until ${k.retiredAt}` : `retired ${k.retiredAt}`;
      return `${k.kid}  created ${k.createdAt}  ${state}`;
    })
    .join('\n');
}

export function registerKeyCommands(program: Command) {
  const keys = program.command('keys').description("Manage the server's token-signing keys");

  keys
    .command('rotate')
    .description('Add a new signing key; tokens signed with the old keys verify until the grace period ends')
    .option('--database <url>', 'sqlite:PATH or postgres://…')
    .option('--retire-after <duration>', 'grace period for the old keys (at least the longest token lifetime)', '1h')
    .addHelpText('after', '\nExample:\n  tenantry keys rotate --retire-after 1h\n')
    .action(async (opts) => {
      const store = openStore(databaseUrl(opts.database));
      try {
        await store.migrate();
        const result = await rotateKeys(store, parseDuration(opts.retireAfter) * 1000);
        process.stdout.write(`new signing key ${result.kid}\n`);
        for (const kid of result.retired) process.stdout.write(`key ${kid} verifies until ${result.retiredAt}\n`);
      } finally {
        await store.close();
      }
    });

  keys
    .command('list')
    .description('List the signing keys and their state')
    .option('--database <url>', 'sqlite:PATH or postgres://…')
    .action(async (opts) => {
      const store = openStore(databaseUrl(opts.database));
      try {
        await store.migrate();
        process.stdout.write(`${describeKeys(await store.listSigningKeys())}\n`);
      } finally {
        await store.close();
      }
    });
}
