/**
 * `tenantry roles list|members|add-member|remove-member` — the PowerShell
 * Get-PartnerCustomerUserRole and Add/Remove-PartnerCustomerUserRoleMember cmdlets as commands.
 */
import type { CustomerOperations, UserMember } from '@tenantry/sdk';
import type { Command } from 'commander';
import { connect, customerOf, withCustomerOption } from '../client/connection.js';
import { runAction, UsageError } from '../client/run-action.js';
import { directoryRoleColumns, userMemberColumns } from '../output/licensing-columns.js';
import { startProgress } from '../output/progress.js';
import { listWriter, parseFormat, writeRecord } from '../output/writer.js';
import { outputOption, resolveUserId } from './users.js';

const guid = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const example = (text: string) => `\nExample:\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n`;

/**
 * A role id from an id or a role name ("Helpdesk Administrator", any case).
 *
 * @example
 * await resolveRoleId(customer, 'helpdesk administrator'); // '729827e3-…'
 */
export async function resolveRoleId(customer: CustomerOperations, idOrName: string): Promise<string> {
  if (guid.test(idOrName)) return idOrName.replace(/[{}]/g, '');
  const roles = (await customer.directoryRoles.get()).items;
  const role = roles.find((r) => r.name.toLowerCase() === idOrName.trim().toLowerCase());
  if (!role) throw new UsageError(`No directory role is named ${idOrName}; see tenantry roles list`);
  return role.id;
}

export function registerRoleCommands(program: Command) {
  const roles = program.command('roles').description("Show a customer's directory roles and change their members");

  withCustomerOption(roles.command('list'))
    .description("List the customer's directory roles, or with --user the roles a user holds")
    .option('--user <user>', 'user id or user principal name')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry roles list --customer $CUSTOMER\ntenantry roles list --user ada@contoso.onmicrosoft.com --customer $CUSTOMER'))
    .action(
      runAction(async (opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const page = opts.user !== undefined ? await customer.users.byId(await resolveUserId(customer.users, opts.user)).directoryRoles.get() : await customer.directoryRoles.get();
        const writer = listWriter({ format: parseFormat(opts.output), out: process.stdout, tableColumns: directoryRoleColumns, csvColumns: directoryRoleColumns, width: process.stdout.isTTY ? process.stdout.columns : undefined });
        for (const r of page.items) await writer.write(r);
        await writer.end();
      }),
    );

  withCustomerOption(roles.command('members'))
    .description("List a role's members, one page or --all")
    .argument('<role>', 'role id or name')
    .option('--size <n>', 'page size, 1 to 500', '100')
    .option('--all', 'every page')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry roles members "Helpdesk Administrator" --all --customer $CUSTOMER'))
    .action(
      runAction(async (role: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const size = Number(opts.size);
        if (!Number.isInteger(size) || size < 1 || size > 500) throw new UsageError('--size must be 1 to 500');
        const members = customer.directoryRoles.byId(await resolveRoleId(customer, role)).userMembers;
        const format = parseFormat(opts.output);
        const writer = listWriter<UserMember>({ format, out: process.stdout, tableColumns: userMemberColumns, csvColumns: userMemberColumns, width: process.stdout.isTTY ? process.stdout.columns : undefined });
        if (opts.all) {
          const progress = startProgress('members', undefined);
          try {
            for await (const page of members.pages({ size })) {
              for (const m of page.items) await writer.write(m);
              progress.increment(page.items.length);
            }
          } finally {
            progress.stop();
          }
        } else {
          const page = await members.query({ size });
          for (const m of page.items) await writer.write(m);
          if (page.links?.next && format === 'table') process.stderr.write('more members follow: pass --all, or a larger --size\n');
        }
        await writer.end();
      }),
    );

  withCustomerOption(roles.command('add-member'))
    .description('Make a user a member of a directory role')
    .argument('<role>', 'role id or name')
    .argument('<user>', 'user id or user principal name')
    .addOption(outputOption())
    .addHelpText('after', example('tenantry roles add-member "Helpdesk Administrator" ada@contoso.onmicrosoft.com --customer $CUSTOMER'))
    .action(
      runAction(async (role: string, user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const roleId = await resolveRoleId(customer, role);
        const member = await customer.directoryRoles.byId(roleId).userMembers.create({ id: await resolveUserId(customer.users, user) });
        await writeRecord(member, parseFormat(opts.output), process.stdout, userMemberColumns);
      }),
    );

  withCustomerOption(roles.command('remove-member'))
    .description('Remove a user from a directory role')
    .argument('<role>', 'role id or name')
    .argument('<user>', 'user id or user principal name')
    .addHelpText('after', example('tenantry roles remove-member "Helpdesk Administrator" ada@contoso.onmicrosoft.com --customer $CUSTOMER'))
    .action(
      runAction(async (role: string, user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const roleId = await resolveRoleId(customer, role);
        const userId = await resolveUserId(customer.users, user);
        await customer.directoryRoles.byId(roleId).userMembers.byId(userId).delete();
        process.stdout.write(`removed ${user} from ${role}\n`);
      }),
    );
}
