/**
 * `tenantry audit list`: the partner's audit log (every write, who made it, its outcome), read
 * through `GET /v1/auditrecords` like PowerShell's Get-PartnerAuditRecord.
 */
import { followPages, type SeekBasedResourceCollection } from '@tenantry/sdk';
import type { Command } from 'commander';
import type { AuditRecord } from '../../schemas/audit-record.js';
import { connect } from '../client/connection.js';
import { runAction, UsageError } from '../client/run-action.js';
import type { Column } from '../output/columns.js';
import { listWriter, parseFormat } from '../output/writer.js';
import { outputOption } from './users.js';

const detail = (r: AuditRecord, key: string) => r.customizedData.find((d) => d.key === key)?.value ?? undefined;
const caller = (r: AuditRecord) => r.userPrincipalName ?? (r.applicationId ? `app ${r.applicationId}` : undefined);
const outcome = (r: AuditRecord) => (r.operationStatus === 'failed' ? `failed ${detail(r, 'FaultCode') ?? detail(r, 'HttpStatus') ?? ''}`.trim() : r.operationStatus);

export const auditTableColumns: Column<AuditRecord>[] = [
  { header: 'DATE', value: (r) => r.operationDate },
  { header: 'OPERATION', value: (r) => r.operationType },
  { header: 'STATUS', value: outcome },
  { header: 'CUSTOMER', value: (r) => r.customerName ?? r.customerId },
  { header: 'BY', value: caller },
  { header: 'RESOURCE', value: (r) => r.customizedData[0]?.value ?? undefined },
];

export const auditCsvColumns: Column<AuditRecord>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'operationDate', value: (r) => r.operationDate },
  { header: 'operationType', value: (r) => r.operationType },
  { header: 'operationStatus', value: (r) => r.operationStatus },
  { header: 'resourceType', value: (r) => r.resourceType },
  { header: 'customerId', value: (r) => r.customerId },
  { header: 'customerName', value: (r) => r.customerName },
  { header: 'userPrincipalName', value: (r) => r.userPrincipalName },
  { header: 'applicationId', value: (r) => r.applicationId },
  { header: 'originalCorrelationId', value: (r) => r.originalCorrelationId },
  { header: 'requestId', value: (r) => detail(r, 'RequestId') },
  { header: 'faultCode', value: (r) => detail(r, 'FaultCode') },
  { header: 'customizedData', value: (r) => JSON.stringify(r.customizedData) },
];

/** The one filter Partner Center's audit query takes, from the command's options. */
function auditFilter(opts: { customer?: string; company?: string; resourceType?: string }): string | undefined {
  const given = [
    opts.customer && { Field: 'CustomerId', Value: opts.customer, Operator: 'equals' },
    opts.company && { Field: 'CompanyName', Value: opts.company, Operator: 'substring' },
    opts.resourceType && { Field: 'ResourceType', Value: opts.resourceType, Operator: 'equals' },
  ].filter(Boolean);
  if (given.length > 1) throw new UsageError('Pass at most one of --customer, --company and --resource-type: the audit log takes one filter');
  return given.length ? JSON.stringify(given[0]) : undefined;
}

export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description("Read the partner's audit log: every write, who made it and its outcome");

  audit
    .command('list')
    .description('List audit records, oldest first: one page or --all (last 30 days unless --start-date)')
    .option('--start-date <date>', 'from this day (2026-11-01) or instant (2026-11-01T08:00:00Z); at most 90 days back')
    .option('--end-date <date>', 'up to and including this day, or up to this instant')
    .option('--customer <id>', 'only records of this customer')
    .option('--company <text>', 'only records of customers whose company name contains the text')
    .option('--resource-type <type>', 'only records of one resource type: customer, customer_user, license, …')
    .option('--size <n>', 'page size, 1 to 500', '100')
    .option('--all', 'every page, following the continuation links')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  tenantry audit list --start-date 2026-11-01 --resource-type customer_user --all -o csv > audit.csv\n')
    .action(
      runAction(async (opts, command: Command) => {
        const { partner } = connect(command.optsWithGlobals());
        const query = { startDate: opts.startDate, endDate: opts.endDate, size: opts.size, filter: auditFilter(opts) };
        const first = await partner.client.send<SeekBasedResourceCollection<AuditRecord>>({ method: 'GET', path: '/auditrecords', query });
        const format = parseFormat(opts.output);
        const writer = listWriter<AuditRecord>({
          format,
          out: process.stdout,
          tableColumns: auditTableColumns,
          csvColumns: auditCsvColumns,
          width: process.stdout.isTTY ? process.stdout.columns : undefined,
        });
        if (opts.all) {
          for await (const page of followPages(partner.client, first)) for (const record of page.items) await writer.write(record);
        } else {
          for (const record of first.items) await writer.write(record);
          if (first.links?.next && format === 'table') process.stderr.write('more records follow: pass --all, or a larger --size\n');
        }
        await writer.end();
      }),
    );
}
