/**
 * `tenantry licenses list|assign|remove` and `tenantry skus list|set` — the PowerShell
 * Get/Set-PartnerCustomerUserLicense and Get-PartnerCustomerSubscribedSku cmdlets as commands.
 */
import { type CustomerOperations, type LicenseGroupId, PartnerError } from '@tenantry/sdk';
import type { Command } from 'commander';
import { connect, customerOf, withCustomerOption } from '../client/connection.js';
import { runAction, UsageError } from '../client/run-action.js';
import { licenseColumns, subscribedSkuColumns } from '../output/licensing-columns.js';
import { listWriter, parseFormat, writeRecord } from '../output/writer.js';
import { outputOption, resolveUserId } from './users.js';

const collect = (v: string, acc: string[] = []) => [...acc, v];
const guid = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const example = (text: string) => `\nExample:\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n`;

/** `--group` values as the API spells them. */
export function licenseGroups(values: string[]): LicenseGroupId[] | undefined {
  if (values.length === 0) return undefined;
  return values.map((v) => {
    const g = v.toLowerCase().replace(/^group/, '');
    if (g !== '1' && g !== '2') throw new UsageError('--group must be Group1 or Group2');
    return `Group${g}` as LicenseGroupId;
  });
}

/**
 * SKU ids from ids or part numbers (`SPE_E3`), looked up among the customer's subscribed SKUs.
 *
 * @example
 * await resolveSkuIds(customer, ['SPE_E3', 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e']);
 */
export async function resolveSkuIds(customer: CustomerOperations, values: string[]): Promise<string[]> {
  if (values.every((v) => guid.test(v))) return values.map((v) => v.replace(/[{}]/g, ''));
  const skus = (await customer.subscribedSkus.get(['Group1', 'Group2'])).items;
  return values.map((v) => {
    if (guid.test(v)) return v.replace(/[{}]/g, '');
    const sku = skus.find((s) => s.productSku.skuPartNumber.toLowerCase() === v.toLowerCase());
    if (!sku) throw new PartnerError({ status: 400, code: 60100, description: `The customer has no subscribed SKU with the part number ${v}` });
    return sku.productSku.id;
  });
}

function nonNegative(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, 0 or more`);
  return n;
}

export function registerLicenseCommands(program: Command) {
  const licenses = program.command('licenses').description("Show, assign and remove a user's licences");

  withCustomerOption(licenses.command('list'))
    .description("List a user's licences")
    .argument('<user>', 'user id or user principal name')
    .option('--group <group>', 'Group1 (default) or Group2; repeatable', collect)
    .addOption(outputOption())
    .addHelpText('after', example('tenantry licenses list ada@contoso.onmicrosoft.com --customer $CUSTOMER --group Group1 --group Group2'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const page = await customer.users.byId(await resolveUserId(customer.users, user)).licenses.get(licenseGroups(opts.group ?? []));
        const writer = listWriter({ format: parseFormat(opts.output), out: process.stdout, tableColumns: licenseColumns, csvColumns: licenseColumns, width: process.stdout.isTTY ? process.stdout.columns : undefined });
        for (const l of page.items) await writer.write(l);
        await writer.end();
      }),
    );

  withCustomerOption(licenses.command('assign'))
    .description('Assign licences to a user (and optionally remove others in the same call); the user needs a usage location')
    .argument('<user>', 'user id or user principal name')
    .requiredOption('--sku <sku>', 'SKU id or part number (e.g. SPE_E3) to assign; repeatable', collect)
    .option('--exclude-plan <planId>', 'service plan id to leave off the assigned SKUs; repeatable', collect)
    .option('--remove <sku>', 'SKU id or part number to remove in the same call; repeatable', collect)
    .addOption(outputOption())
    .addHelpText('after', example('tenantry licenses assign ada@contoso.onmicrosoft.com --sku SPE_E3 --remove EXCHANGESTANDARD --customer $CUSTOMER'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const userId = await resolveUserId(customer.users, user);
        const assign = await resolveSkuIds(customer, opts.sku ?? []);
        const remove = await resolveSkuIds(customer, opts.remove ?? []);
        // Each excluded plan goes with the SKU that has it, so one flag list serves several SKUs.
        let plansBySku = new Map<string, string[]>();
        if ((opts.excludePlan ?? []).length > 0) {
          const skus = (await customer.subscribedSkus.get(['Group1', 'Group2'])).items;
          plansBySku = new Map(assign.map((id) => [id, skus.find((s) => s.productSku.id.toLowerCase() === id.toLowerCase())?.servicePlans.map((p) => p.id.toLowerCase()) ?? []]));
          for (const plan of opts.excludePlan as string[]) {
            if (![...plansBySku.values()].some((plans) => plans.includes(plan.toLowerCase()))) throw new UsageError(`--exclude-plan ${plan} is a service plan of none of the assigned SKUs`);
          }
        }
        const update = await customer.users.byId(userId).licenseUpdates.create({
          licensesToAssign: assign.map((skuId) => ({ skuId, excludedPlans: ((opts.excludePlan ?? []) as string[]).filter((p) => plansBySku.get(skuId)?.includes(p.toLowerCase())) })),
          ...(remove.length > 0 ? { licensesToRemove: remove } : {}),
        });
        await writeRecord(update, parseFormat(opts.output), process.stdout, []);
      }),
    );

  withCustomerOption(licenses.command('remove'))
    .description("Remove licences from a user")
    .argument('<user>', 'user id or user principal name')
    .requiredOption('--sku <sku>', 'SKU id or part number to remove; repeatable', collect)
    .addOption(outputOption())
    .addHelpText('after', example('tenantry licenses remove ada@contoso.onmicrosoft.com --sku SPE_E3 --customer $CUSTOMER'))
    .action(
      runAction(async (user: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const customer = connection.partner.customers.byId(customerOf(opts, connection));
        const userId = await resolveUserId(customer.users, user);
        const update = await customer.users.byId(userId).licenseUpdates.create({ licensesToRemove: await resolveSkuIds(customer, opts.sku ?? []) });
        await writeRecord(update, parseFormat(opts.output), process.stdout, []);
      }),
    );

  const skus = program.command('skus').description("Show a customer's subscribed SKUs and seats, and set seats (Tenantry extension)");

  withCustomerOption(skus.command('list'))
    .description("List a customer's subscribed SKUs with total, consumed and available seats")
    .option('--group <group>', 'Group1 (default) or Group2; repeatable', collect)
    .addOption(outputOption())
    .addHelpText('after', example('tenantry skus list --customer $CUSTOMER'))
    .action(
      runAction(async (opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const page = await connection.partner.customers.byId(customerOf(opts, connection)).subscribedSkus.get(licenseGroups(opts.group ?? []));
        const writer = listWriter({ format: parseFormat(opts.output), out: process.stdout, tableColumns: subscribedSkuColumns, csvColumns: subscribedSkuColumns, width: process.stdout.isTTY ? process.stdout.columns : undefined });
        for (const s of page.items) await writer.write(s);
        await writer.end();
      }),
    );

  withCustomerOption(skus.command('set'))
    .description("Subscribe a customer to a SKU or set its seats (a Tenantry extension: Partner Center derives SKUs from subscriptions)")
    .argument('<skuId>', 'product SKU id (catalogue products: Microsoft 365 E3, EMS E3, Exchange Online (Plan 1), Power BI Pro, Minecraft: Education Edition)')
    .requiredOption('--total <n>', 'seats bought (never below the seats in use)')
    .option('--warning <n>', 'of the total, seats in a grace period')
    .option('--suspended <n>', 'suspended seats')
    .option('--name <name>', 'product name, for a SKU outside the catalogue')
    .option('--part-number <part>', 'SKU part number, for a SKU outside the catalogue')
    .option('--group <group>', 'licence group of a SKU outside the catalogue (Group1 or Group2)')
    .option('--plan <id:serviceName:displayName>', 'a service plan of a SKU outside the catalogue; repeatable', collect)
    .addOption(outputOption())
    .addHelpText('after', example('tenantry skus set 05e9a617-0261-4cee-bb44-138d3ef5d965 --total 25 --customer $CUSTOMER'))
    .action(
      runAction(async (skuId: string, opts, command: Command) => {
        const connection = connect(command.optsWithGlobals());
        const described = opts.name !== undefined || opts.partNumber !== undefined || (opts.plan ?? []).length > 0;
        if (described && (opts.name === undefined || opts.partNumber === undefined)) throw new UsageError('Describe a product with both --name and --part-number');
        const servicePlans = ((opts.plan ?? []) as string[]).map((p) => {
          const [id, serviceName, ...display] = p.split(':');
          if (!id || !serviceName) throw new UsageError('--plan must be id:serviceName[:displayName]');
          return { id, serviceName, displayName: display.join(':') || serviceName };
        });
        const group = opts.group === undefined ? undefined : licenseGroups([opts.group])![0].toLowerCase();
        const sku = await connection.partner.customers.byId(customerOf(opts, connection)).subscribedSkus.byId(skuId).set({
          totalUnits: nonNegative(opts.total, '--total')!,
          ...(opts.warning !== undefined ? { warningUnits: nonNegative(opts.warning, '--warning') } : {}),
          ...(opts.suspended !== undefined ? { suspendedUnits: nonNegative(opts.suspended, '--suspended') } : {}),
          ...(described ? { productSku: { name: opts.name, skuPartNumber: opts.partNumber, ...(group ? { licenseGroupId: group } : {}) }, servicePlans } : {}),
        });
        await writeRecord(sku, parseFormat(opts.output), process.stdout, subscribedSkuColumns);
      }),
    );
}
