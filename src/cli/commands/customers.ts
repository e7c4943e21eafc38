/**
 * `tenantry customers list|get|create`.
 */
import { type Customer, filters } from '@tenantry/sdk';
import type { Command } from 'commander';
import { connect } from '../client/connection.js';
import { runAction, UsageError } from '../client/run-action.js';
import { customerCsvColumns, customerTableColumns } from '../output/columns.js';
import { startProgress } from '../output/progress.js';
import { listWriter, parseFormat, writeRecord } from '../output/writer.js';
import { outputOption } from './users.js';

export function registerCustomerCommands(program: Command) {
  const customers = program.command('customers').description("List, show and create the partner's customer tenants");

  customers
    .command('list')
    .description('List customers, one page or --all')
    .option('--search <prefix>', 'only companies whose name starts with the text')
    .option('--domain <prefix>', 'only customers whose domain starts with the text')
    .option('--size <n>', 'page size, 1 to 500', '100')
    .option('--all', 'every page')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  tenantry customers list --search Contoso -o table\n')
    .action(
      runAction(async (opts, command: Command) => {
        const { partner } = connect(command.optsWithGlobals());
        if (opts.search !== undefined && opts.domain !== undefined) throw new UsageError('Pass --search or --domain, not both');
        const size = Number(opts.size);
        if (!Number.isInteger(size) || size < 1 || size > 500) throw new UsageError('--size must be 1 to 500');
        const filter = opts.search !== undefined ? filters.startsWith('CompanyName', opts.search) : opts.domain !== undefined ? filters.startsWith('Domain', opts.domain) : undefined;
        const format = parseFormat(opts.output);
        const writer = listWriter<Customer>({ format, out: process.stdout, tableColumns: customerTableColumns, csvColumns: customerCsvColumns, width: process.stdout.isTTY ? process.stdout.columns : undefined });
        if (opts.all) {
          const progress = startProgress('customers', undefined);
          try {
            for await (const page of partner.customers.pages({ size, filter })) {
              for (const c of page.items) await writer.write(c);
              progress.increment(page.items.length);
            }
          } finally {
            progress.stop();
          }
        } else {
          const page = await partner.customers.query({ size, filter });
          for (const c of page.items) await writer.write(c);
          if (page.links?.next && format === 'table') process.stderr.write('more customers follow: pass --all, or a larger --size\n');
        }
        await writer.end();
      }),
    );

  customers
    .command('get')
    .description('Show a customer')
    .argument('<customerId>', 'customer tenant id')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  tenantry customers get 4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04 -o json\n')
    .action(
      runAction(async (id: string, opts, command: Command) => {
        const { partner } = connect(command.optsWithGlobals());
        await writeRecord(await partner.customers.byId(id).get(), parseFormat(opts.output), process.stdout, customerCsvColumns);
      }),
    );

  customers
    .command('create')
    .description("Create a customer tenant; prints its admin's credentials once")
    .requiredOption('--domain <domain>', 'the tenant domain, e.g. contoso.onmicrosoft.com')
    .requiredOption('--name <companyName>', 'company name')
    .option('--email <email>', 'billing contact email')
    .option('--first-name <name>', 'billing contact first name')
    .option('--last-name <name>', 'billing contact last name')
    .option('--country <code>', 'billing address country, e.g. US')
    .option('--culture <culture>', 'culture, e.g. en-US')
    .option('--language <language>', 'language, e.g. en')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  tenantry customers create --domain contoso.onmicrosoft.com --name "Contoso Ltd" --email it@contoso.com --country US\n')
    .action(
      runAction(async (opts, command: Command) => {
        const { partner } = connect(command.optsWithGlobals());
        const billing = Object.fromEntries(
          Object.entries({ email: opts.email, firstName: opts.firstName, lastName: opts.lastName, culture: opts.culture, language: opts.language, companyName: opts.name }).filter(
            ([, v]) => v !== undefined,
          ),
        );
        const created = await partner.customers.create({
          companyProfile: { domain: opts.domain, companyName: opts.name },
          billingProfile: { ...billing, ...(opts.country ? { defaultAddress: { country: opts.country } } : {}) },
        });
        await writeRecord(created, parseFormat(opts.output), process.stdout, customerCsvColumns);
      }),
    );
}
