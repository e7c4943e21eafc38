/**
 * `tenantry accounts add|reset-password`: partner user accounts that sign in to the web UI.
 */
import type { Command } from 'commander';
import { demoPartnerId } from '../../demo/demo-data.js';
import { Fault } from '../../domain/fault.js';
import { PartnerAccountService } from '../../services/partner-account-service.js';
import { defaultDatabaseUrl, openStore } from '../../store/open-store.js';

const databaseUrl = (flag?: string) => flag ?? process.env.TENANTRY_DATABASE_URL ?? defaultDatabaseUrl;
const collect = (v: string, acc: string[]) => [...acc, v];

/** Runs an account action on a migrated store, turning faults into plain messages. */
async function withAccounts<T>(database: string | undefined, work: (accounts: PartnerAccountService) => Promise<T>): Promise<T> {
  const store = openStore(databaseUrl(database));
  try {
    await store.migrate();
    return await work(new PartnerAccountService(store));
  } catch (e) {
    if (e instanceof Fault) throw new Error(e.description);
    throw e;
  } finally {
    await store.close();
  }
}

// The password is read from the environment rather than a flag so it stays out of shell history.
const passwordFromEnv = () => process.env.TENANTRY_ACCOUNT_PASSWORD || undefined;

export function registerAccountCommands(program: Command) {
  const accounts = program.command('accounts').description('Partner user accounts that sign in to the web UI');

  accounts
    .command('add')
    .description('Create an account; prints its password (generated unless TENANTRY_ACCOUNT_PASSWORD is set)')
    .requiredOption('--user <name>', 'user name, usually an e-mail address')
    .option('--partner <tenantId>', 'partner tenant id (default: the demo partner)', demoPartnerId)
    .option('--role <role>', 'role its tokens carry (repeatable; default AdminAgent)', collect, [] as string[])
    .option('--database <url>', 'sqlite:PATH or postgres://…')
    .addHelpText('after', '\nExample:\n  tenantry accounts add --user helpdesk@partner.example --role HelpdeskAgent\n')
    .action(async (opts) => {
      const { account, password } = await withAccounts(opts.database, (a) =>
        a.add({ partnerId: opts.partner, userName: opts.user, roles: opts.role, password: passwordFromEnv() }),
      );
      process.stdout.write(`created ${account.userName} (partner ${account.partnerId}, roles ${account.roles.join(', ')})\npassword: ${password}\n`);
    });

  accounts
    .command('reset-password')
    .description('Give an account a new password (generated unless TENANTRY_ACCOUNT_PASSWORD is set) and optionally new roles')
    .requiredOption('--user <name>', 'user name')
    .option('--role <role>', 'replace its roles (repeatable)', collect, [] as string[])
    .option('--database <url>', 'sqlite:PATH or postgres://…')
    .action(async (opts) => {
      const { account, password } = await withAccounts(opts.database, (a) => a.resetPassword(opts.user, passwordFromEnv(), opts.role));
      process.stdout.write(`updated ${account.userName} (roles ${account.roles.join(', ')})\npassword: ${password}\n`);
    });
}
