/**
 * `tenantry users list|get|create|update|delete|restore|reset-password` — the PowerShell
 * *-PartnerCustomerUser cmdlets as commands, through the SDK.
 */
import { type CollectionQuery, type CustomerUser, type CustomerUserCollectionOperations, type FieldFilter, filters, PartnerError } from '@tenantry/sdk';
import { type Command, Option } from 'commander';
import { connect, customerOf, withCustomerOption } from '../client/connection.js';
import { runAction, UsageError } from '../client/run-action.js';
import { userCsvColumns, userTableColumns } from '../output/columns.js';
import { startProgress } from '../output/progress.js';
import { listWriter, type OutputFormat, outputFormats, parseFormat, writeRecord } from '../output/writer.js';
import { registerUserTransferCommands } from './users-transfer.js';

const guid = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

export const outputOption = () =>
  new Option('-o, --output <format>', 'table, json, jsonl or csv').choices(outputFormats as unknown as string[]).default('table');

const example = (text: string) => `\nExample:\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n`;

/**
 * A user by id or by user principal name (looked up among active users, or deleted ones when
 * restoring), as Get-PartnerCustomerUser -UserPrincipalName does.
 */
export async function resolveUserId(users: CustomerUserCollectionOperations, idOrUpn: string, deleted = false): Promise<string> {
  if (guid.test(idOrUpn)) return idOrUpn.replace(/[{}]/g, '');
  if (!idOrUpn.includes('@')) throw new UsageError(`${idOrUpn} is neither a user id (GUID) nor a user principal name`);
  const byUpn = filters.equals('UserPrincipalName', idOrUpn);
  const filter: FieldFilter = deleted ? filters.and(filters.deletedUsers(), byUpn) : byUpn;
  const page = await users.query({ size: 1, filter });
  const user = page.items[0];
  if (!user) {
    throw new PartnerError({ status: 404, code: 60002, description: `No ${deleted ? 'deleted ' : ''}user has the user principal name ${idOrUpn}` });
  }
  return user.id;
}

/** The list query of `users list` and `users export`. */
export function listQuery(opts: { deleted?: boolean; search?: string; searchIn?: string; searchMode?: string; sort?: string; desc?: boolean; size?: string }): CollectionQuery {
  const field = (name: string | undefined, flag: string) => {
    if (name === undefined) return undefined;
    const n = name.toLowerCase();
    if (n === 'displayname') return 'DisplayName' as const;
    if (n === 'userprincipalname' || n === 'upn') return 'UserPrincipalName' as const;
    throw new UsageError(`${flag} must be displayName or userPrincipalName`);
  };
  let filter: FieldFilter | undefined = opts.deleted ? filters.deletedUsers() : undefined;
  if (opts.search !== undefined) {
    const searchField = field(opts.searchIn, '--search-in') ?? 'DisplayName';
    const mode = (opts.searchMode ?? 'contains').toLowerCase();
    if (mode !== 'contains' && mode !== 'starts-with') throw new UsageError('--search-mode must be contains or starts-with');
    const search = mode === 'contains' ? filters.substring(searchField, opts.search) : filters.startsWith(searchField, opts.search);
    filter = filter ? filters.and(filter, search) : search;
  }
  const sortField = field(opts.sort, '--sort');
  const size = opts.size === undefined ? undefined : Number(opts.size);
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 500)) throw new UsageError('--size must be 1 to 500');
  return {
    size,
    filter,
    sort: sortField || opts.desc ? { field: sortField ?? 'DisplayName', direction: opts.desc ? 'Descending' : 'Ascending' } : undefined,
  };
}

export function registerUserCommands(program: Command) {
  const users = program.command('users').description("Manage a customer's users (list, create, update, delete, restore, import, export)");

  withCustomerOption(users.command('list'))
    .description("List a customer's users, one page or --all")
    .option('--deleted', 'deleted users (restorable), instead of active ones')
    .option('--search <text>', 'only users whose display name (or --search-in field) contains the text (any case; from an index when 3 characters or more)')
    .option('--search-in <field>', 'displayName or userPrincipalName', 'displayName')
    .addOption(new Option('--search-mode <mode>', 'contains, or starts-with (a prefix; fastest when --sort is the same field)').choices(['contains', 'starts-with']).default('contains'))
    .option('--sort <field>', 'displayName or userPrincipalName', 'displayName')
    .option('--desc', 'sort descending')
    .option('--size <n>', 'page size, 1 to 500', '100')
    .option('--all', 'every page, following the continuation links')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry users list --customer 4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04 --search tanaka -o table\ntenantry users list --customer $CUSTOMER --search @contoso --search-in userPrincipalName\ntenantry users list --customer $CUSTOMER --search ada --search-mode starts-with\ntenantry users list --tenant-id $CUSTOMER --deleted --all -o jsonl'))
    .action(
      runAction(async (opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const format = parseFormat(opts.output);
        const writer = listWriter<CustomerUser>({
          format,
          out: process.stdout,
          tableColumns: userTableColumns(Boolean(opts.deleted)),
          csvColumns: userCsvColumns,
          width: process.stdout.isTTY ? process.stdout.columns : undefined,
        });
        const query = listQuery(opts);
        // Whole lists come faster in the largest pages.
        if (opts.all && command.getOptionValueSource('size') === 'default') query.size = 500;
        if (opts.all) {
          const progress = startProgress('users', undefined);
          try {
            // The next page downloads while this one is written, as `users export` does.
            for await (const page of collection.pages(query, { readAhead: 1 })) {
              for (const user of page.items) await writer.write(user);
              progress.increment(page.items.length);
            }
          } finally {
            progress.stop();
          }
        } else {
          // Filled: a page of a one- or two-letter search may come back short (even empty) with more to read.
          const page = await collection.queryFilled(query, query.size ?? 100);
          for (const user of page.items) await writer.write(user);
          if (page.links?.next && format === 'table') process.stderr.write('more users follow: pass --all, or a larger --size\n');
        }
        await writer.end();
      }),
    );

  withCustomerOption(users.command('get'))
    .description('Show a user by id or user principal name')
    .argument('<user>', 'user id or user principal name')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry users get ada@contoso.onmicrosoft.com --customer $CUSTOMER -o json'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const found = await collection.byId(await resolveUserId(collection, user)).get();
        await writeRecord(found, parseFormat(opts.output) as OutputFormat, process.stdout, userCsvColumns);
      }),
    );

  const userFields = (c: Command) =>
    c
      .option('--first-name <name>', 'first name')
      .option('--last-name <name>', 'last name')
      .option('--usage-location <code>', 'ISO country code, e.g. US (needed before licences can be assigned)')
      .option('--immutable-id <id>', 'immutable id (directory sync anchor)')
      .option('--phone <number>', 'phone number');
  const fieldsOf = (opts: Record<string, string | undefined>) =>
    Object.fromEntries(
      Object.entries({
        firstName: opts.firstName,
        lastName: opts.lastName,
        usageLocation: opts.usageLocation,
        immutableId: opts.immutableId,
        phoneNumber: opts.phone,
      }).filter(([, v]) => v !== undefined),
    );

  userFields(
    withCustomerOption(users.command('create'))
      .description('Create a user; prints its temporary password once')
      .requiredOption('--upn <userPrincipalName>', 'user name, alias@one-of-the-customer-domains')
      .requiredOption('--display-name <name>', 'display name'),
  )
    .option('--password <password>', 'initial password (default: a generated temporary password)')
    .option('--no-force-change-password', 'do not ask for a new password at first sign-in')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry users create --customer $CUSTOMER --upn ada@contoso.onmicrosoft.com --display-name "Ada Lovelace" --usage-location GB'))
    .action(
      runAction(async (opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const created = await collection.create({
          userPrincipalName: opts.upn,
          displayName: opts.displayName,
          ...fieldsOf(opts),
          passwordProfile: { forceChangePassword: opts.forceChangePassword, ...(opts.password ? { password: opts.password } : {}) },
        });
        await writeRecord(created, parseFormat(opts.output), process.stdout, userCsvColumns);
      }),
    );

  userFields(
    withCustomerOption(users.command('update'))
      .description('Change fields of a user (only the options given)')
      .argument('<user>', 'user id or user principal name')
      .option('--upn <userPrincipalName>', 'new user principal name')
      .option('--display-name <name>', 'display name'),
  )
    .addOption(outputOption())
    .addHelpText('after', example('tenantry users update ada@contoso.onmicrosoft.com --customer $CUSTOMER --display-name "Ada King" --usage-location GB'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const changes = { ...fieldsOf(opts), ...(opts.upn ? { userPrincipalName: opts.upn } : {}), ...(opts.displayName ? { displayName: opts.displayName } : {}) };
        if (Object.keys(changes).length === 0) throw new UsageError('Nothing to change: pass at least one of --display-name, --upn, --first-name, --last-name, --usage-location, --immutable-id, --phone');
        const updated = await collection.byId(await resolveUserId(collection, user)).patch(changes);
        await writeRecord(updated, parseFormat(opts.output), process.stdout, userCsvColumns);
      }),
    );

  withCustomerOption(users.command('delete'))
    .description('Delete users (they stay restorable for the retention period, 30 days by default)')
    .argument('<users...>', 'user ids or user principal names')
    .addHelpText('after', example('tenantry users delete ada@contoso.onmicrosoft.com --customer $CUSTOMER'))
    .action(
      runAction(async (list: string[], opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        for (const user of list) {
          const id = await resolveUserId(collection, user);
          await collection.byId(id).delete();
          process.stdout.write(`deleted ${user}${user === id ? '' : ` (${id})`}\n`);
        }
      }),
    );

  withCustomerOption(users.command('restore'))
    .description('Restore a deleted user')
    .argument('<user>', 'user id, or the user principal name of a deleted user')
    .option('--upn <userPrincipalName>', 'restore under a new user principal name (when the old one was taken meanwhile)')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry users restore ada@contoso.onmicrosoft.com --customer $CUSTOMER'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const restored = await collection.byId(await resolveUserId(collection, user, true)).restore({ userPrincipalName: opts.upn });
        await writeRecord(restored, parseFormat(opts.output), process.stdout, userCsvColumns);
      }),
    );

  withCustomerOption(users.command('reset-password'))
    .description("Reset a user's password; prints the temporary password once")
    .argument('<user>', 'user id or user principal name')
    .option('--password <password>', 'the new password (default: a generated temporary password)')
    .option('--no-force-change-password', 'do not ask for a new password at next sign-in')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry users reset-password ada@contoso.onmicrosoft.com --customer $CUSTOMER'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const result = await collection.byId(await resolveUserId(collection, user)).resetPassword({ password: opts.password, forceChangePassword: opts.forceChangePassword });
        await writeRecord(result, parseFormat(opts.output), process.stdout, userCsvColumns);
      }),
    );

  registerUserTransferCommands(users);
}
