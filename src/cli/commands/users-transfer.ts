/**
 * `tenantry users import` (Partner Center's bulk-upload CSV template, without its 100-row cap)
 * and `tenantry users export` (every page streamed to stdout as CSV or JSON lines).
 */
import { type CustomerUser } from '@tenantry/sdk';
import { type Command, Option } from 'commander';
import { createWriteStream, readFileSync } from 'node:fs';
import { connect, customerOf, withCustomerOption } from '../client/connection.js';
import { httpFetch } from '../client/http-fetch.js';
import { exitCodes, runAction, UsageError } from '../client/run-action.js';
import { parseBulkTemplate, type RowProblem } from '../import/bulk-template.js';
import { importUsers, type RowResult } from '../import/import-users.js';
import { userCsvColumns, userTableColumns } from '../output/columns.js';
import { csvRecord } from '../output/csv.js';
import { startProgress } from '../output/progress.js';
import { listWriter, parseFormat, writeText } from '../output/writer.js';
import { listQuery } from './users.js';

const resultHeader = ['Line', 'First name', 'Last name', 'Display name', 'User name', 'Usage location', 'Status update', 'User id', 'Temporary password', 'Error'];

// Written through csvRecord, which neutralizes formulas: the names come from the imported file.
const resultRow = (r: RowResult) => [
  String(r.row.line),
  r.row.firstName ?? '',
  r.row.lastName ?? '',
  r.row.displayName ?? '',
  r.row.userPrincipalName ?? '',
  r.row.usageLocation ?? '',
  r.status,
  r.userId ?? '',
  r.temporaryPassword ?? '',
  r.error ?? '',
];

const problemText = (p: RowProblem) => (p.line > 0 ? `line ${p.line}: ${p.message}` : p.message);

export function registerUserTransferCommands(users: Command) {
  withCustomerOption(users.command('import'))
    .description("Create users from Partner Center's bulk-upload CSV template (First name, Last name, Display name, Email/User name)")
    .argument('<file>', 'CSV file; extra columns such as Status update are ignored, BOM and CRLF are fine')
    .option('--usage-location <code>', 'usage location of rows without one, e.g. US')
    .option('--results <file>', 'where to write the results CSV (default: FILE.results.csv)')
    .option('--concurrency <n>', 'users created at once', '8')
    .option('--skip-invalid', 'import the valid rows even when others are invalid (they are listed in the results)')
    .option('--no-force-change-password', 'do not ask new users for a new password at first sign-in')
    .addHelpText(
      'after',
      '\nEvery row is checked before anything is created; invalid rows are listed with their line numbers.\n' +
        'The results CSV gives each row a status (created, exists, invalid, failed), the user id and the\n' +
        'temporary password, and is readable by its owner only. Running the same import again is safe:\n' +
        'rows already created are not created twice.\n' +
        '\nExample:\n  tenantry users import new-hires.csv --customer $CUSTOMER --usage-location US --results new-hires.results.csv\n',
    )
    .action(
      runAction(async (file: string, opts, command: Command) => {
        const concurrency = Number(opts.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be 1 to 64');
        let input: Buffer;
        try {
          input = readFileSync(file);
        } catch (err) {
          throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
        }
        const connection = connect(command.optsWithGlobals());
        const customerId = customerOf(opts, connection);
        const customer = connection.partner.customers.byId(customerId);
        const profile = await customer.get();
        const domains = [profile.companyProfile.domain, ...(profile.customDomains ?? [])];
        const { rows, problems } = parseBulkTemplate(input, { domains, usageLocation: opts.usageLocation });

        const fatal = problems.filter((p) => !p.row);
        if (problems.length) {
          for (const p of problems) process.stderr.write(`${problemText(p)}\n`);
          if (fatal.length || !opts.skipInvalid) {
            process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found in ${file}; nothing was imported${fatal.length ? '' : ' (pass --skip-invalid to import the valid rows)'}\n`);
            return exitCodes.usage;
          }
        }

        const resultsPath = opts.results ?? `${file.replace(/\.csv$/i, '')}.results.csv`;
        // The results hold temporary passwords: readable by the owner only.
        const results = createWriteStream(resultsPath, { mode: 0o600 });
        await writeText(results, csvRecord(resultHeader));
        const counts: Record<RowResult['status'], number> = { created: 0, exists: 0, invalid: 0, failed: 0 };
        for (const p of problems) {
          counts.invalid += 1;
          await writeText(results, csvRecord(resultRow({ row: { ...p.row, line: p.line }, status: 'invalid', error: p.message })));
        }

        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const progress = startProgress('importing', rows.length);
        try {
          await importUsers({
            customerId,
            users: customer.users,
            rows,
            concurrency,
            forceChangePassword: opts.forceChangePassword,
            signal: controller.signal,
            onResult: async (r) => {
              counts[r.status] += 1;
              progress.increment();
              await writeText(results, csvRecord(resultRow(r)));
            },
          });
        } finally {
          progress.stop();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await new Promise<void>((resolve, reject) => results.end((err?: Error | null) => (err ? reject(err) : resolve())));
        }
        const done = counts.created + counts.exists + counts.failed;
        process.stderr.write(
          `created ${counts.created}, already existed ${counts.exists}, invalid ${counts.invalid}, failed ${counts.failed}` +
            `${controller.signal.aborted ? `, not done ${rows.length - done} (interrupted: run the same command again to finish)` : ''}; results in ${resultsPath}\n`,
        );
        if (controller.signal.aborted) return exitCodes.interrupted;
        return counts.failed > 0 ? exitCodes.fault : 0;
      }),
    );

  withCustomerOption(users.command('export'))
    .description("Write every user of a customer to stdout, page by page (flat memory)")
    .addOption(new Option('-o, --output <format>', 'csv or jsonl').choices(['csv', 'jsonl']).default('csv'))
    .option('--deleted', 'export the deleted users instead')
    .option('--size <n>', 'page size, 1 to 500', '500')
    .addHelpText('after', '\nThe CSV columns are named as the API names them, so an export can be imported again.\n\nExample:\n  tenantry users export --customer $CUSTOMER -o csv > users.csv\n')
    .action(
      runAction(async (opts, command: Command) => {
        // Thousands of page requests: the lighter keep-alive client instead of the global fetch.
        const connection = connect(command.optsWithGlobals(), process.env, { fetch: httpFetch });
        const collection = connection.partner.customers.byId(customerOf(opts, connection)).users;
        const writer = listWriter<CustomerUser>({ format: parseFormat(opts.output, ['csv', 'jsonl']), out: process.stdout, tableColumns: userTableColumns(false), csvColumns: userCsvColumns });
        const progress = startProgress('exporting', undefined);
        try {
          // One page of read-ahead: the server assembles the next page while this one is written,
          // which the SDK asks for as soon as a page's headers name it, before that body is read.
          for await (const page of collection.pages(listQuery({ deleted: opts.deleted, size: opts.size }), { readAhead: 1 })) {
            await writer.writeAll(page.items);
            progress.increment(page.items.length);
          }
          await writer.end();
        } finally {
          progress.stop();
        }
      }),
    );
}
